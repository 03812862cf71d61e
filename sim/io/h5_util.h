#pragma once
// Small RAII and writing helpers over the HDF5 C API, shared by the result
// writers. Object timestamps are off, so the same data writes the same bytes.
#include <hdf5.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace capsim::h5 {

// Closes an HDF5 handle when it goes out of scope.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw std::runtime_error("HDF5: cannot create " + what);
  }
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

inline void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: cannot write " + what);
}

// Variable-length UTF-8, so h5py reads a str rather than bytes.
inline void string_attr(hid_t obj, const std::string& name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  check(H5Tset_size(type, H5T_VARIABLE), name);
  check(H5Tset_cset(type, H5T_CSET_UTF8), name);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "scalar space");
  Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, name);
  const char* data = value.c_str();
  check(H5Awrite(attr, type, &data), name);
}

template <typename T>
void number_attr(hid_t obj, const std::string& name, T value, hid_t type) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "scalar space");
  Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, name);
  check(H5Awrite(attr, type, &value), name);
}

inline hid_t dataset_props() {
  hid_t p = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(p, false);
  return p;
}

template <typename T>
void dataset(hid_t group, const std::string& name, const std::vector<T>& values, hid_t type,
             const std::string& units) {
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, name + " space");
  Handle props(dataset_props(), H5Pclose, "dataset properties");
  Handle ds(H5Dcreate2(group, name.c_str(), type, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose, name);
  if (n) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), name);
  if (!units.empty()) string_attr(ds, "units", units);
}

// Fixed-length, NUL-padded UTF-8: one contiguous buffer, which writes millions
// of names in a fraction of a second where variable-length strings take
// seconds. h5py reads it with f["jobs/name"].asstr()[:].
inline void string_dataset(hid_t group, const std::string& name, const std::vector<std::string>& values) {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  std::string buffer(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) buffer.replace(i * width, values[i].size(), values[i]);
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  check(H5Tset_size(type, width), name);
  check(H5Tset_strpad(type, H5T_STR_NULLPAD), name);
  check(H5Tset_cset(type, H5T_CSET_UTF8), name);
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, name + " space");
  Handle props(dataset_props(), H5Pclose, "dataset properties");
  Handle ds(H5Dcreate2(group, name.c_str(), type, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose, name);
  if (n) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), name);
}

inline hid_t group_props() {
  hid_t p = H5Pcreate(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(p, false);
  return p;
}


// A row-major array of any rank.
inline void array_dataset(hid_t group, const std::string& name, const std::vector<double>& values,
                          const std::vector<hsize_t>& dims, const std::string& units) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, name + " space");
  Handle props(dataset_props(), H5Pclose, "dataset properties");
  Handle ds(H5Dcreate2(group, name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose,
            name);
  if (!values.empty()) check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), name);
  if (!units.empty()) string_attr(ds, "units", units);
}

}  // namespace capsim::h5
