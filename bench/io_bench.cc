// Throughput of reading a 100,000-row person registry (12 columns, Chinese
// names and addresses) from CSV in UTF-8, CSV in GBK, and XLSX; and of
// writing it. Items per second = rows per second.
//
//   cmake -S . -B build-bench -G Ninja -DFUPIN_BUILD_BENCH=ON -DFUPIN_BUILD_TESTS=OFF
//   ninja -C build-bench io_bench && build-bench/bench/io_bench --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/csv.h"
#include "io/encoding.h"
#include "io/table.h"
#include "io/table_writer.h"

namespace {

constexpr int kRows = 100000;

std::vector<std::string> Header() {
  return {"户编号", "姓名", "身份证号", "性别", "出生日期", "与户主关系", "乡镇", "村",
          "联系电话", "年收入", "在校情况", "备注"};
}

std::vector<fupin::io::CellValue> Person(int i) {
  static const char* kSurnames[] = {"张", "李", "王", "刘", "陈", "杨", "赵", "黄"};
  static const char* kGiven[] = {"建国", "秀英", "桂兰", "志强", "小红", "德明", "春花", "海波"};
  static const char* kRelations[] = {"户主", "配偶", "之子", "之女", "之孙子", "之母"};
  char id[19];
  std::snprintf(id, sizeof id, "4304241%04d%02d%02d%03d", 1940 + i % 80, 1 + i % 12, 1 + i % 28, i % 1000);
  std::string id_number = id;
  id_number.push_back(static_cast<char>('0' + i % 10));
  return {std::string("H") + std::to_string(100000 + i / 4),
          std::string(kSurnames[i % 8]) + kGiven[(i / 8) % 8],
          id_number,
          std::string(i % 2 ? "男" : "女"),
          fupin::Date{1940 + i % 80, 1 + i % 12, 1 + i % 28},
          std::string(kRelations[i % 6]),
          std::string("甘溪镇"),
          std::string("杨林村") + std::to_string(i % 30) + "组",
          std::string("1390734") + std::to_string(1000 + i % 9000),
          static_cast<double>(3000 + (i * 37) % 20000) + 0.5,
          std::string(i % 5 == 0 ? "在校" : ""),
          std::string(i % 50 == 0 ? "低保户,\"兜底\"" : "")};
}

struct Files {
  std::string dir = (std::filesystem::temp_directory_path() / "fupin_io_bench").string();
  std::string csv = dir + "/persons.csv";
  std::string gbk = dir + "/persons_gbk.csv";
  std::string xlsx = dir + "/persons.xlsx";

  Files() {
    std::filesystem::create_directories(dir);
    for (const std::string* path : {&csv, &xlsx}) {
      auto w = fupin::io::OpenTableWriter(*path);
      w->WriteHeader(Header());
      for (int i = 0; i < kRows; ++i) w->WriteRow(Person(i));
      w->Close();
    }
    const std::string utf8 = fupin::ReadFile(csv);
    const std::string converted = fupin::io::Utf8ToGb18030(std::string_view(utf8).substr(3));
    std::ofstream(gbk, std::ios::binary).write(converted.data(), static_cast<std::streamsize>(converted.size()));
  }
};

const Files& TheFiles() {
  static const Files files;
  return files;
}

void Read(benchmark::State& state, const std::string& path) {
  size_t rows = 0;
  for (auto _ : state) {
    auto reader = fupin::io::OpenTable(path);
    fupin::io::Row row;
    rows = 0;
    while (reader->Next(row)) ++rows;
    benchmark::DoNotOptimize(row);
  }
  if (rows != kRows + 1) state.SkipWithError("wrong row count");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kRows);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(std::filesystem::file_size(path)));
}

void BM_ReadCsvUtf8(benchmark::State& state) { Read(state, TheFiles().csv); }
void BM_ReadCsvGbk(benchmark::State& state) { Read(state, TheFiles().gbk); }
void BM_ReadXlsx(benchmark::State& state) { Read(state, TheFiles().xlsx); }

void Write(benchmark::State& state, const std::string& name) {
  const std::string path = TheFiles().dir + "/" + name;
  std::vector<std::vector<fupin::io::CellValue>> rows;
  rows.reserve(kRows);
  for (int i = 0; i < kRows; ++i) rows.push_back(Person(i));
  for (auto _ : state) {
    auto w = fupin::io::OpenTableWriter(path);
    w->WriteHeader(Header());
    for (const auto& r : rows) w->WriteRow(r);
    w->Close();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kRows);
}

void BM_WriteCsv(benchmark::State& state) { Write(state, "out.csv"); }
void BM_WriteXlsx(benchmark::State& state) { Write(state, "out.xlsx"); }

BENCHMARK(BM_ReadCsvUtf8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadCsvGbk)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadXlsx)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteCsv)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteXlsx)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
