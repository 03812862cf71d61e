"""python3 -m capsim plot results.h5 [more.h5 ...] -o fig.png"""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m capsim")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("plot", help="draw the comparison figure of one or more results.h5 files")
    p.add_argument("results", nargs="+", help="results.h5 files written by capsim run/compare")
    p.add_argument("-o", "--output", required=True, help="image file to write (.png, .svg, .pdf)")
    args = parser.parse_args(argv)
    from . import plot, read_results
    try:
        results = [read_results(path) for path in args.results]
    except (FileNotFoundError, ValueError, OSError) as e:
        print(f"capsim plot: error: {e}", file=sys.stderr)
        return 2
    plot.comparison(results, args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
