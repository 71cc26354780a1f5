#include "facts/columns.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace fupin::facts {
namespace {

constexpr char kMagic[8] = {'F', 'U', 'P', 'I', 'N', 'F', 'C', 'T'};
constexpr size_t kNameBytes = 48;
constexpr size_t kAlign = 64;

struct Header {
  char magic[8];
  uint32_t format_version;
  uint32_t columns;
  int64_t data_head;
  uint64_t data_digest;
  uint64_t directory_checksum;
};
struct DirectoryEntry {
  char name[kNameBytes];
  uint32_t element_size;
  uint32_t reserved;
  uint64_t count;
  uint64_t offset;
  uint64_t checksum;
};
static_assert(sizeof(Header) == 40 && sizeof(DirectoryEntry) == 80);

uint64_t Align(uint64_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

uint64_t Checksum(const void* data, size_t size) { return XXH3_64bits(data, size); }

}  // namespace

void ColumnWriter::AddBytes(std::string_view name, size_t element_size, size_t count, const void* data) {
  if (name.size() >= kNameBytes) throw Error::Internal("column name too long: " + std::string(name));
  Column c{std::string(name), static_cast<uint32_t>(element_size), count, std::vector<std::byte>(element_size * count)};
  if (!c.bytes.empty()) std::memcpy(c.bytes.data(), data, c.bytes.size());
  columns_.push_back(std::move(c));
}

void ColumnWriter::Write(const std::string& path, DataVersion version) const {
  Header header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.format_version = kFormatVersion;
  header.columns = static_cast<uint32_t>(columns_.size());
  header.data_head = version.head;
  header.data_digest = version.digest;
  std::vector<DirectoryEntry> directory(columns_.size());
  uint64_t offset = Align(sizeof(Header) + directory.size() * sizeof(DirectoryEntry));
  for (size_t i = 0; i < columns_.size(); ++i) {
    DirectoryEntry& e = directory[i];
    std::memcpy(e.name, columns_[i].name.data(), columns_[i].name.size());
    e.element_size = columns_[i].element_size;
    e.count = columns_[i].count;
    e.offset = offset;
    e.checksum = Checksum(columns_[i].bytes.data(), columns_[i].bytes.size());
    offset = Align(offset + columns_[i].bytes.size());
  }
  header.directory_checksum = Checksum(directory.data(), directory.size() * sizeof(DirectoryEntry));

  // A temporary name of this process and write (two threads of a server may
  // write at once), renamed over `path` once complete.
  static std::atomic<uint64_t> writes{0};
  const std::string temporary = path + ".tmp" + std::to_string(::getpid()) + "." + std::to_string(++writes);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    auto put = [&out](const void* p, size_t n) { out.write(static_cast<const char*>(p), static_cast<std::streamsize>(n)); };
    put(&header, sizeof header);
    put(directory.data(), directory.size() * sizeof(DirectoryEntry));
    const std::vector<char> zeros(kAlign, 0);
    uint64_t at = sizeof(Header) + directory.size() * sizeof(DirectoryEntry);
    for (size_t i = 0; i < columns_.size(); ++i) {
      put(zeros.data(), directory[i].offset - at);
      put(columns_[i].bytes.data(), columns_[i].bytes.size());
      at = directory[i].offset + columns_[i].bytes.size();
    }
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw Error::Internal("cannot write the facts copy " + temporary);
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw Error::Internal("cannot write the facts copy " + path);
  }
}

std::unique_ptr<MappedColumns> MappedColumns::Open(const std::string& path, DataVersion version) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  const bool stat_ok = ::fstat(fd, &st) == 0;
  const auto size = stat_ok ? static_cast<size_t>(st.st_size) : size_t{0};
  void* map = size >= sizeof(Header) ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
  ::close(fd);
  if (map == MAP_FAILED) return nullptr;
  auto m = std::make_unique<MappedColumns>();
  m->data_ = static_cast<const std::byte*>(map);
  m->size_ = size;

  Header header{};
  std::memcpy(&header, m->data_, sizeof header);
  if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0 || header.format_version != kFormatVersion ||
      header.data_head != version.head || header.data_digest != version.digest) {
    return nullptr;
  }
  const uint64_t directory_bytes = uint64_t{header.columns} * sizeof(DirectoryEntry);
  if (directory_bytes > size - sizeof(Header)) return nullptr;
  std::vector<DirectoryEntry> directory(header.columns);
  std::memcpy(directory.data(), m->data_ + sizeof(Header), directory_bytes);
  if (Checksum(directory.data(), directory_bytes) != header.directory_checksum) return nullptr;
  m->data_version_ = version;
  for (const DirectoryEntry& e : directory) {
    if (e.element_size == 0 || e.name[kNameBytes - 1] != '\0') return nullptr;
    if (e.offset > size || e.count > (size - e.offset) / e.element_size) return nullptr;
    const size_t bytes = e.count * e.element_size;
    if (Checksum(m->data_ + e.offset, bytes) != e.checksum) return nullptr;
    m->entries_.push_back({std::string(e.name), e.element_size, e.count, e.offset});
  }
  return m;
}

MappedColumns::~MappedColumns() {
  if (data_ != nullptr) ::munmap(const_cast<std::byte*>(data_), size_);
}

std::span<const std::byte> MappedColumns::Bytes(std::string_view name, size_t element_size) const {
  for (const Entry& e : entries_) {
    if (e.name != name) continue;
    if (e.element_size != element_size) throw Error::Internal("facts column " + e.name + " has another type");
    return {data_ + e.offset, e.count * e.element_size};
  }
  throw Error::Internal("no facts column " + std::string(name));
}

}  // namespace fupin::facts
