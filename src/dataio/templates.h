#pragma once
// Empty import templates (`fupin import template`): the header row of the
// standard person template or the household-years template, as XLSX (text
// format on ID number, code and phone columns so Excel keeps every digit,
// drop-down lists for vocabulary columns, a notes sheet 填写说明) or CSV
// (UTF-8 with BOM, header only).
#include <string>

#include <span>

#include "dataio/columns.h"
#include "dataio/sheet.h"
#include "io/table.h"

namespace fupin::dataio {

// Writes the template to `path` (nothing appears there unless it succeeds).
void WriteTemplate(TemplateKind kind, io::TableFormat format, const std::string& path);

// The template of any other import, from its declaration (dataio/sheet.h):
// the same header row, cell formats, drop-downs and notes sheet.
void WriteSheetTemplate(std::span<const SheetColumn> columns, const std::string& sheet_name, io::TableFormat format,
                        const std::string& path);

// The sheet name of a template's data sheet ("人员", "户年度信息").
std::string TemplateSheetName(TemplateKind kind);

}  // namespace fupin::dataio
