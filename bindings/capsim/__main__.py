"""python3 -m capsim plot results.h5 [more.h5 ...] -o fig.png
python3 -m capsim report RESULTS... -o report.html   (what `capsim report` runs)"""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m capsim")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("plot", help="draw the comparison figure of one or more results.h5 files")
    p.add_argument("results", nargs="+", help="results.h5 files written by capsim run/compare")
    p.add_argument("-o", "--output", required=True, help="image file to write (.png, .svg, .pdf)")
    r = sub.add_parser("report", help="one self-contained HTML page for runs, a compare, an inflation or a sweep")
    r.add_argument("results", nargs="+", help="results.h5 files, or the --out directories of run, compare, "
                                              "inflate or sweep")
    r.add_argument("-o", "--output", required=True, help="the HTML file to write")
    r.add_argument("--title", default=None, help="the page's title (default: capsim report)")
    r.add_argument("--metrics", default=None, help="sweeps: comma-separated summary keys to plot against the axis")
    args = parser.parse_args(argv)
    prog = f"capsim {args.command}"
    if args.command == "report":
        from .report import ReportError, report
        try:
            metrics = args.metrics.split(",") if args.metrics else None
            report(args.results, args.output, title=args.title, metrics=metrics)
        except (ReportError, FileNotFoundError, KeyError) as e:
            print(f"{prog}: error: {e}", file=sys.stderr)
            return 2
        print(f"wrote {args.output}")
        return 0
    from . import plot, read_results
    try:
        results = [read_results(path) for path in args.results]
    except (FileNotFoundError, ValueError, OSError) as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2
    plot.comparison(results, args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
