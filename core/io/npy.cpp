// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/npy.h"

#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>

namespace rnnpool {
namespace {

static_assert(std::endian::native == std::endian::little,
              ".npy reading assumes a little-endian host (all supported targets are)");

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;

[[noreturn]] void fail(const std::string &what, const std::string &msg) {
  throw FormatError(what + ": " + msg);
}

// A strict parser for the Python dict literal in the .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (4, 1, 3, 3), }
class HeaderParser {
public:
  HeaderParser(std::string_view text, const std::string &what) : s_(text), what_(what) {}

  struct Result {
    std::string descr;
    bool fortran_order = false;
    std::vector<std::size_t> shape;
  };

  Result parse() {
    Result r;
    bool have_descr = false, have_fortran = false, have_shape = false;
    skip_ws();
    expect('{');
    skip_ws();
    while (!peek('}')) {
      const std::string key = parse_string();
      skip_ws();
      expect(':');
      skip_ws();
      if (key == "descr") {
        r.descr = parse_string();
        have_descr = true;
      } else if (key == "fortran_order") {
        r.fortran_order = parse_bool();
        have_fortran = true;
      } else if (key == "shape") {
        r.shape = parse_shape();
        have_shape = true;
      } else {
        fail(what_, "unexpected key '" + key + "' in .npy header");
      }
      skip_ws();
      if (peek(',')) {
        ++pos_;
        skip_ws();
      } else if (!peek('}')) {
        fail(what_, "malformed .npy header: expected ',' or '}' at offset " + std::to_string(pos_));
      }
    }
    ++pos_; // '}'
    skip_ws();
    if (pos_ != s_.size()) fail(what_, "malformed .npy header: trailing characters after '}'");
    if (!have_descr || !have_fortran || !have_shape)
      fail(what_, "malformed .npy header: needs 'descr', 'fortran_order' and 'shape'");
    return r;
  }

private:
  bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t'))
      ++pos_;
  }
  void expect(char c) {
    if (!peek(c))
      fail(what_, std::string("malformed .npy header: expected '") + c + "' at offset " +
                      std::to_string(pos_));
    ++pos_;
  }
  std::string parse_string() {
    if (!peek('\'') && !peek('"'))
      fail(what_,
           "malformed .npy header: expected a quoted string at offset " + std::to_string(pos_));
    const char quote = s_[pos_++];
    const std::size_t end = s_.find(quote, pos_);
    if (end == std::string_view::npos) fail(what_, "malformed .npy header: unterminated string");
    std::string out(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }
  bool parse_bool() {
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail(what_, "malformed .npy header: 'fortran_order' must be True or False");
  }
  std::vector<std::size_t> parse_shape() {
    std::vector<std::size_t> shape;
    expect('(');
    skip_ws();
    while (!peek(')')) {
      if (shape.size() >= 32) fail(what_, "shape has more than 32 dimensions");
      shape.push_back(parse_dim());
      skip_ws();
      if (peek(',')) {
        ++pos_;
        skip_ws();
      } else if (!peek(')')) {
        fail(what_, "malformed .npy header: bad shape tuple");
      }
    }
    ++pos_;
    return shape;
  }
  std::size_t parse_dim() {
    const std::size_t start = pos_;
    std::size_t value = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      value = value * 10 + std::size_t(s_[pos_] - '0');
      if (value > kMaxNpyElements) fail(what_, "shape dimension too large");
      ++pos_;
    }
    if (pos_ == start) fail(what_, "malformed .npy header: shape dimensions must be integers >= 0");
    if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_; // Python 2 long suffix
    return value;
  }

  std::string_view s_;
  const std::string &what_;
  std::size_t pos_ = 0;
};

std::optional<NpyDtype> dtype_from_descr(const std::string &descr) {
  if (descr == "<f4") return NpyDtype::Float32;
  if (descr == "<f8") return NpyDtype::Float64;
  if (descr == "<i8") return NpyDtype::Int64;
  return std::nullopt;
}

std::size_t item_size(NpyDtype dtype) {
  return dtype == NpyDtype::Float32 ? 4 : 8;
}

std::uint32_t read_le(const std::uint8_t *p, int bytes) {
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

} // namespace

const char *npy_descr(NpyDtype dtype) {
  switch (dtype) {
  case NpyDtype::Float32: return "<f4";
  case NpyDtype::Float64: return "<f8";
  case NpyDtype::Int64: return "<i8";
  }
  return "?";
}

std::size_t NpyArray::elements() const {
  std::size_t n = 1;
  for (std::size_t d : shape)
    n *= d;
  return n;
}

NpyArray NpyArray::from_floats(std::vector<std::size_t> shape, std::vector<float> values) {
  NpyArray a;
  a.shape = std::move(shape);
  a.dtype = NpyDtype::Float32;
  a.floats = std::move(values);
  if (a.elements() != a.floats.size())
    throw std::invalid_argument("NpyArray::from_floats: " + std::to_string(a.floats.size()) +
                                " values for shape " + shape_string(a.shape));
  return a;
}

std::string shape_string(const std::vector<std::size_t> &shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string &what) {
  if (bytes.size() < kMagicSize + 2 || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0)
    fail(what, "not a .npy file (bad magic)");
  const int major = bytes[6];
  if (major < 1 || major > 3)
    fail(what, "unsupported .npy format version " + std::to_string(major) + "." +
                   std::to_string(bytes[7]));
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  const std::size_t header_start = kMagicSize + 2 + len_bytes;
  if (bytes.size() < header_start) fail(what, "truncated .npy header");
  const std::size_t header_len = read_le(bytes.data() + kMagicSize + 2, int(len_bytes));
  if (header_len > bytes.size() - header_start) fail(what, "truncated .npy header");
  const std::string_view header(reinterpret_cast<const char *>(bytes.data() + header_start),
                                header_len);

  const HeaderParser::Result h = HeaderParser(header, what).parse();
  const std::optional<NpyDtype> dtype = dtype_from_descr(h.descr);
  if (!dtype) fail(what, "unsupported dtype '" + h.descr + "' (expected '<f4', '<f8' or '<i8')");
  if (h.fortran_order) fail(what, "fortran_order arrays are not supported");

  std::size_t count = 1;
  for (std::size_t d : h.shape) {
    if (d != 0 && count > kMaxNpyElements / d)
      fail(what, "shape " + shape_string(h.shape) + " is too large");
    count *= d;
  }
  const std::size_t data_start = header_start + header_len;
  const std::size_t data_bytes = count * item_size(*dtype);
  const std::size_t available = bytes.size() - data_start;
  if (available != data_bytes)
    fail(what, "data size " + std::to_string(available) + " bytes does not match shape " +
                   shape_string(h.shape) + " of " + h.descr + " (" + std::to_string(data_bytes) +
                   " bytes)" + (available < data_bytes ? ": truncated" : ""));

  NpyArray a;
  a.shape = h.shape;
  a.dtype = *dtype;
  const std::uint8_t *src = bytes.data() + data_start;
  switch (*dtype) {
  case NpyDtype::Float32:
    a.floats.resize(count);
    std::memcpy(a.floats.data(), src, data_bytes);
    break;
  case NpyDtype::Float64:
    a.floats.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      double v;
      std::memcpy(&v, src + 8 * i, 8);
      a.floats[i] = static_cast<float>(v);
    }
    break;
  case NpyDtype::Int64:
    a.ints.resize(count);
    std::memcpy(a.ints.data(), src, data_bytes);
    break;
  }
  return a;
}

std::vector<std::uint8_t> serialize_npy(const NpyArray &array) {
  const bool is_int = array.dtype == NpyDtype::Int64;
  const std::size_t count = array.elements();
  if ((is_int ? array.ints.size() : array.floats.size()) != count)
    throw std::invalid_argument("serialize_npy: values do not match shape " +
                                shape_string(array.shape));
  std::string shape = "(";
  for (std::size_t i = 0; i < array.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(array.shape[i]);
  shape += array.shape.size() == 1 ? ",)" : ")"; // Python's one-element tuple: (4,)
  std::string header = std::string("{'descr': '") + (is_int ? "<i8" : "<f4") +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // numpy pads the header with spaces so that the data starts 64-byte aligned.
  const std::size_t prefix = kMagicSize + 2 + 2;
  const std::size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';
  if (header.size() > std::numeric_limits<std::uint16_t>::max())
    throw std::invalid_argument("serialize_npy: header too long");

  std::vector<std::uint8_t> out(kMagic, kMagic + kMagicSize);
  out.push_back(1);
  out.push_back(0);
  out.push_back(std::uint8_t(header.size() & 0xff));
  out.push_back(std::uint8_t(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  const auto *data = is_int ? reinterpret_cast<const std::uint8_t *>(array.ints.data())
                            : reinterpret_cast<const std::uint8_t *>(array.floats.data());
  out.insert(out.end(), data, data + count * (is_int ? 8 : 4));
  return out;
}

NpyArray read_npy_file(const std::string &path) {
  return parse_npy(read_binary_file(path), path);
}

void write_npy_file(const std::string &path, const NpyArray &array) {
  write_binary_file(path, serialize_npy(array));
}

} // namespace rnnpool
