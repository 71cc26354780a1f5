#pragma once
// A file of named columns (issue 25): flat arrays of fixed-size values, each
// with its own checksum, behind a header that names the data version they were
// built from. Written once by ColumnWriter, then memory-mapped read-only by
// MappedColumns. The file is a cache: anything wrong with it (missing, short,
// another magic or format version, another data version, a column out of
// bounds or whose XXH3 checksum does not match) makes Open return nothing, and
// the caller builds it again. Layout: docs/PERFORMANCE.md ("A columnar copy of
// the facts").
//
//   header   "FUPINFCT", format version u32, column count u32, data version
//            (head i64, digest u64), checksum (XXH3-64) of the directory
//   directory, one entry per column: name (48 bytes, NUL-padded), element
//            size u32, reserved u32, element count u64, offset u64, XXH3-64
//   data     each column at an offset aligned to 64 bytes
//
// Values are stored in the machine's byte order (the file never leaves the
// machine that built it). Not thread-safe to write; a MappedColumns may be
// read from any number of threads.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fupin::facts {

inline constexpr uint32_t kFormatVersion = 1;

// What the columns were built from: the data head (access::Audit::DataHead)
// and a digest of that audit entry's hash, which tells apart two databases
// (e.g. a registry generated again at the same path) at the same head.
struct DataVersion {
  int64_t head = 0;
  uint64_t digest = 0;
  bool operator==(const DataVersion&) const = default;
};

// Collects columns in memory and writes them to `path` at once (through a
// temporary file renamed over it, so a reader never sees half a file).
class ColumnWriter {
 public:
  template <typename T>
  void Add(std::string_view name, const std::vector<T>& values) {
    AddBytes(name, sizeof(T), values.size(), values.data());
  }
  // Throws Error::Internal when the file cannot be written.
  void Write(const std::string& path, DataVersion version) const;

 private:
  void AddBytes(std::string_view name, size_t element_size, size_t count, const void* data);
  struct Column {
    std::string name;
    uint32_t element_size;
    uint64_t count;
    std::vector<std::byte> bytes;
  };
  std::vector<Column> columns_;
};

// A column file mapped into memory, its checksums verified on opening.
class MappedColumns {
 public:
  // Nothing when the file is missing, damaged or of another data version.
  static std::unique_ptr<MappedColumns> Open(const std::string& path, DataVersion version);
  MappedColumns() = default;  // maps nothing; Open maps a file
  ~MappedColumns();
  MappedColumns(const MappedColumns&) = delete;
  MappedColumns& operator=(const MappedColumns&) = delete;

  DataVersion data_version() const { return data_version_; }
  size_t file_size() const { return size_; }

  // The column `name` as values of type T; Error::Internal when there is no
  // such column or its elements are not sizeof(T) bytes.
  template <typename T>
  std::span<const T> Get(std::string_view name) const {
    const auto bytes = Bytes(name, sizeof(T));
    return {reinterpret_cast<const T*>(bytes.data()), bytes.size() / sizeof(T)};
  }

 private:
  std::span<const std::byte> Bytes(std::string_view name, size_t element_size) const;
  struct Entry {
    std::string name;
    uint32_t element_size;
    uint64_t count;
    uint64_t offset;
  };
  const std::byte* data_ = nullptr;
  size_t size_ = 0;
  DataVersion data_version_;
  std::vector<Entry> entries_;
};

}  // namespace fupin::facts
