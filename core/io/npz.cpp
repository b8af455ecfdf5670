// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/npz.h"

#include <algorithm>
#include <memory>
#include <zip.h>

namespace rnnpool {
namespace {

[[noreturn]] void fail(const std::string &what, const std::string &msg) {
  throw FormatError(what + ": " + msg);
}

struct ArchiveCloser {
  void operator()(zip_t *za) const { zip_discard(za); }
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;

struct EntryCloser {
  void operator()(zip_file_t *f) const { zip_fclose(f); }
};

constexpr std::string_view kSuffix = ".npy";

} // namespace

NpzArrays parse_npz(std::span<const std::uint8_t> bytes, const std::string &what) {
  if (bytes.empty()) fail(what, "empty file, not a zip/npz archive");
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!src) {
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    fail(what, "cannot read archive: " + text);
  }
  zip_t *raw = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!raw) {
    zip_source_free(src); // not taken over on failure
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    fail(what, "not a valid zip/npz archive (" + text + ")");
  }
  zip_error_fini(&error);
  Archive za(raw);

  const zip_int64_t count = zip_get_num_entries(za.get(), 0);
  if (count < 0 || std::uint64_t(count) > kMaxNpzEntries)
    fail(what, "archive has too many entries (" + std::to_string(count) + ")");

  NpzArrays arrays;
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za.get(), zip_uint64_t(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
        !(st.valid & ZIP_STAT_SIZE))
      fail(what, "cannot read entry " + std::to_string(i) + " of the archive");
    const std::string entry = st.name;
    if (!entry.empty() && entry.back() == '/') continue; // directory entries carry no data
    if (entry.size() <= kSuffix.size() || !entry.ends_with(kSuffix))
      fail(what, "entry '" + entry + "' is not a .npy array");
    const std::string name = entry.substr(0, entry.size() - kSuffix.size());
    const std::string entry_what = what + ": array '" + name + "'";
    if (st.size > kMaxNpzEntryBytes) fail(entry_what, "entry is too large");
    if (arrays.count(name)) fail(what, "duplicate array '" + name + "'");

    std::unique_ptr<zip_file_t, EntryCloser> file(zip_fopen_index(za.get(), zip_uint64_t(i), 0));
    if (!file) fail(entry_what, std::string("cannot open entry (") + zip_strerror(za.get()) + ")");
    // Deflate cannot exceed ~1032:1, so a larger claimed ratio is a forged header; reading in
    // chunks then bounds memory by the bytes that really decompress.
    if ((st.valid & ZIP_STAT_COMP_SIZE) && st.size / 1100 > st.comp_size)
      fail(entry_what, "entry claims an impossible compression ratio");
    std::vector<std::uint8_t> data;
    constexpr std::size_t kChunk = 1 << 16;
    zip_uint64_t got = 0;
    while (got < st.size) {
      const std::size_t want = std::size_t(std::min<zip_uint64_t>(kChunk, st.size - got));
      data.resize(std::size_t(got) + want);
      const zip_int64_t n = zip_fread(file.get(), data.data() + got, want);
      if (n < 0)
        fail(entry_what, std::string("corrupt entry (") + zip_file_strerror(file.get()) + ")");
      if (n == 0) break;
      got += zip_uint64_t(n);
    }
    data.resize(std::size_t(got));
    if (got != st.size) fail(entry_what, "entry is truncated");
    arrays.emplace(name, parse_npy(data, entry_what));
  }
  return arrays;
}

NpzArrays read_npz_file(const std::string &path) {
  return parse_npz(read_binary_file(path), path);
}

std::vector<std::uint8_t> serialize_npz(const NpzArrays &arrays, bool compress) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (!buffer) throw std::runtime_error("serialize_npz: cannot create buffer");
  zip_source_keep(buffer); // we read the archive back from it after zip_close
  std::unique_ptr<zip_source_t, decltype(&zip_source_free)> keep(buffer, &zip_source_free);
  zip_t *za = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (!za) {
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw std::runtime_error("serialize_npz: " + text);
  }
  Archive archive(za);

  // Entry payloads must stay alive until zip_close.
  std::vector<std::vector<std::uint8_t>> payloads;
  payloads.reserve(arrays.size());
  for (const auto &[name, array] : arrays) {
    payloads.push_back(serialize_npy(array));
    const auto &p = payloads.back();
    zip_source_t *entry = zip_source_buffer(za, p.data(), p.size(), 0);
    if (!entry) throw std::runtime_error("serialize_npz: cannot add '" + name + "'");
    const zip_int64_t index =
        zip_file_add(za, (name + ".npy").c_str(), entry, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(entry);
      throw std::runtime_error("serialize_npz: cannot add '" + name + "': " + zip_strerror(za));
    }
    zip_set_file_compression(za, zip_uint64_t(index), compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
  }
  if (zip_close(archive.get()) != 0)
    throw std::runtime_error(std::string("serialize_npz: ") + zip_strerror(archive.get()));
  archive.release(); // zip_close freed it

  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(buffer, &st) != 0 || zip_source_open(buffer) != 0)
    throw std::runtime_error("serialize_npz: cannot read back the archive");
  std::vector<std::uint8_t> out(st.size);
  const zip_int64_t n = zip_source_read(buffer, out.data(), out.size());
  zip_source_close(buffer);
  if (n < 0 || zip_uint64_t(n) != st.size)
    throw std::runtime_error("serialize_npz: short read of the archive");
  return out;
}

void write_npz_file(const std::string &path, const NpzArrays &arrays, bool compress) {
  write_binary_file(path, serialize_npz(arrays, compress));
}

} // namespace rnnpool
