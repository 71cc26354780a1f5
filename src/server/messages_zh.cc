#include "server/messages_zh.h"

#include <regex>
#include <string_view>
#include <utility>
#include <vector>

#include "access/permissions.h"
#include "core/caller.h"
#include "core/vocabulary.h"
#include "projects/projects.h"

namespace fupin::server {
namespace {

std::string ResourceZh(const std::string& r) {
  const char* zh = LabelOfWire(access::ResourceTerms(), r);
  return *zh ? zh : r;
}

// A project's step in Chinese, from the projects' one table ("none": the
// refusal found no step that may follow).
std::string ProjectStepZh(const std::string& step) {
  if (step == "none") return "无";
  const char* zh = LabelOfWire(projects::ProjectSteps(), step);
  return *zh ? zh : step;
}

std::string RoleZh(const std::string& role) {
  if (const auto r = ParseRole(role)) return RoleNameZh(*r);
  return role;
}

std::string DefaultFor(const std::string& code) {
  static const std::pair<const char*, const char*> kDefaults[] = {
      {"invalid_argument", "输入有误，请按提示修改"},
      {"not_found", "没有找到所要的记录"},
      {"already_exists", "记录已存在"},
      {"conflict", "记录已被他人修改，请重新载入后再改"},
      {"failed_precondition", "当前状态不允许此操作"},
      {"permission_denied", "您无权进行此操作"},
      {"unauthenticated", "请先登录"},
      {"resource_exhausted", "请求过多或过大，请稍后再试"},
      {"internal", "系统内部错误，请联系管理员"},
      {"method_not_allowed", "不支持此操作"},
      {"payload_too_large", "提交的内容过大"},
      {"unsupported_media_type", "提交的内容格式不受支持"}};
  for (const auto& [c, zh] : kDefaults) {
    if (code == c) return zh;
  }
  return "请求未能完成";
}

struct Pattern {
  std::regex re;
  std::string (*zh)(const std::smatch&);
};

const std::vector<Pattern>& Patterns() {
  static const std::vector<Pattern> kPatterns = [] {
    std::vector<Pattern> p;
    auto add = [&](const char* re, std::string (*zh)(const std::smatch&)) { p.push_back({std::regex(re), zh}); };
    // access::Refusal
    add(R"(^(\w+) may not (read|change) (\w+) beyond the households paired with them$)", [](const std::smatch& m) {
      return RoleZh(m[1]) + "只能" + (m[2] == "read" ? "查看" : "修改") + "本人结对户的" + ResourceZh(m[3]) +
             "，不能查看整个区划";
    });
    add(R"(^(\w+) may not (read|change) (\w+)$)", [](const std::smatch& m) {
      return RoleZh(m[1]) + "无权" + (m[2] == "read" ? "查看" : "修改") + ResourceZh(m[3]);
    });
    add(R"(^household (\d+) is not paired with (.+)$)",
        [](const std::smatch& m) { return "户 " + m[1].str() + " 不是 " + m[2].str() + " 的结对帮扶户"; });
    add(R"(^area (\S+) lies outside (?:area (\S+)|the nation) of (.+)$)", [](const std::smatch& m) {
      return "区划 " + m[1].str() + " 不在 " + m[3].str() + " 的管辖范围" +
             (m[2].matched ? "（" + m[2].str() + "）" : std::string()) + "内";
    });
    add(R"(^area (\S+) is outside your area (\S*)$)",
        [](const std::smatch& m) { return "区划 " + m[1].str() + " 不在您的管辖范围（" + m[2].str() + "）内"; });
    // server: a cookie request without the session's CSRF token (docs/ACCESS.md)
    add(R"(^a request with the session cookie that changes something needs the session's CSRF token$)",
        [](const std::smatch&) { return std::string("页面的会话校验码缺失或不符，请刷新页面后重试"); });
    add(R"(^this role may not read registry records$)", [](const std::smatch&) { return std::string("您的角色无权查看建档立卡信息"); });
    add(R"(^this role may not read the overview of an area$)", [](const std::smatch&) { return std::string("您的角色无权查看区域总览"); });
    // monitoring: a step done by another role ("the step home_check (入户核实) is done by village_cadre, not by township")
    add(R"(^the step \w+ \((.+)\) is done by (.+), not by (\w+)$)", [](const std::smatch& m) {
      std::string roles;
      const std::string list = m[2].str();
      size_t start = 0;
      while (start <= list.size()) {
        const size_t end = list.find(" or ", start);
        roles += (roles.empty() ? "" : "或") + RoleZh(list.substr(start, end == std::string::npos ? end : end - start));
        if (end == std::string::npos) break;
        start = end + 4;
      }
      return "“" + m[1].str() + "”环节由" + roles + "办理，" + RoleZh(m[3]) + "不能办理";
    });
    // Records not found.
    add(R"(^no area (\S+)$)", [](const std::smatch& m) { return "没有区划 " + m[1].str(); });
    add(R"(^no household(?: with id)? (\S+)$)", [](const std::smatch& m) { return "没有户 " + m[1].str(); });
    add(R"(^no person(?: with id)? (\S+)$)", [](const std::smatch& m) { return "没有人员 " + m[1].str(); });
    add(R"(^no need (\d+)$)", [](const std::smatch& m) { return "没有需求 " + m[1].str(); });
    add(R"(^no pledge (\d+)$)", [](const std::smatch& m) { return "没有认捐 " + m[1].str(); });
    add(R"(^no docking (\d+)$)", [](const std::smatch& m) { return "没有对接记录 " + m[1].str(); });
    // Social assistance states.
    add(R"(^need (\d+) is closed$)", [](const std::smatch& m) { return "需求 " + m[1].str() + " 已结束，不再接受认捐"; });
    add(R"(^need (\d+) closed for pledges on its deadline (\S+)$)",
        [](const std::smatch& m) { return "需求 " + m[1].str() + " 已于 " + m[2].str() + " 截止，不再接受认捐"; });
    add(R"(^only donors pledge$)", [](const std::smatch&) { return std::string("只有爱心人士可以认捐"); });
    // Projects, funds and assets: nothing spent twice, steps in order.
    add(R"(^assigning (\S+) yuan exceeds what is left of allocation (\d+): (\S+) yuan of (\S+) yuan$)",
        [](const std::smatch& m) {
          return "安排 " + m[1].str() + " 元超出资金下达 " + m[2].str() + " 的余额：剩余 " + m[3].str() + " 元（下达 " +
                 m[4].str() + " 元）";
        });
    add(R"(^spending (\S+) yuan exceeds what project (\d+) has left of allocation (\d+): (\S+) yuan of (\S+) yuan$)",
        [](const std::smatch& m) {
          return "支出 " + m[1].str() + " 元超出项目 " + m[2].str() + " 在资金下达 " + m[3].str() + " 中的余额：剩余 " +
                 m[4].str() + " 元（已安排 " + m[5].str() + " 元）";
        });
    add(R"(^distributing (\S+) yuan exceeds what is left of asset (\d+)'s income in (\d+): (\S+) yuan of (\S+) yuan$)",
        [](const std::smatch& m) {
          return "分配 " + m[1].str() + " 元超出资产 " + m[2].str() + " " + m[3].str() + " 年收益的余额：剩余 " +
                 m[4].str() + " 元（收益 " + m[5].str() + " 元）";
        });
    // Small loans: nothing repaid twice (issue 21).
    add(R"(^repaying (\S+) yuan exceeds what loan (\d+) still owes: (\S+) yuan of (\S+) yuan$)",
        [](const std::smatch& m) {
          return "还款 " + m[1].str() + " 元超出贷款 " + m[2].str() + " 的未还金额：未还 " + m[3].str() + " 元（贷款 " +
                 m[4].str() + " 元）";
        });
    // Corrections of industry records (issue 21): what still refers to a record.
    add(R"(^(entity|product|loan) (\d+) is referred to by (.+) and cannot be deleted$)", [](const std::smatch& m) {
      static const std::pair<const char*, const char*> kWhat[] = {
          {"entity", "经营主体"}, {"product", "扶贫产品"}, {"loan", "贷款"}};
      static const std::pair<const char*, const char*> kRefs[] = {{"links", "利益联结 {} 条"},
                                                                  {"branches", "产业链党支部 {} 个"},
                                                                  {"products", "扶贫产品 {} 个"},
                                                                  {"loans", "小额贷款 {} 笔"},
                                                                  {"purchases", "购买记录 {} 笔"},
                                                                  {"repayments", "还款记录 {} 笔"}};
      std::string what = m[1].str();
      for (const auto& [en, zh] : kWhat) {
        if (what == en) what = zh;
      }
      std::string refs;
      static const std::regex kRef(R"((\d+) (\w+))");
      const std::string list = m[3].str();
      for (auto it = std::sregex_iterator(list.begin(), list.end(), kRef); it != std::sregex_iterator(); ++it) {
        std::string text = (*it)[2].str() + " " + (*it)[1].str();
        for (const auto& [en, zh] : kRefs) {
          if ((*it)[2].str() == en) {
            text = zh;
            text.replace(text.find("{}"), 2, (*it)[1].str());
          }
        }
        refs += (refs.empty() ? "" : "、") + text;
      }
      return what + " " + m[2].str() + " 已有" + refs + "，不能删除";
    });
    add(R"(^entity (\d+) supplies (\d+) products; its area cannot change$)", [](const std::smatch& m) {
      return "经营主体 " + m[1].str() + " 供应扶贫产品 " + m[2].str() + " 个，不能改变其所在区划";
    });
    add(R"(^loan (\d+) of (\S+) yuan is less than the (\S+) yuan repaid$)", [](const std::smatch& m) {
      return "贷款 " + m[1].str() + " 的金额 " + m[2].str() + " 元少于已还的 " + m[3].str() + " 元";
    });
    add(R"(^no entity (\d+)$)", [](const std::smatch& m) { return "没有经营主体 " + m[1].str(); });
    add(R"(^no product (\d+)$)", [](const std::smatch& m) { return "没有扶贫产品 " + m[1].str(); });
    add(R"(^no loan (\d+)$)", [](const std::smatch& m) { return "没有贷款 " + m[1].str(); });
    add(R"(^project (\d+) is (\w+); the step (\w+) is not allowed \(allowed: (.+)\)$)", [](const std::smatch& m) {
      std::string allowed;
      const std::string list = m[4].str();
      size_t start = 0;
      while (start < list.size()) {
        size_t end = list.find(", ", start);
        if (end == std::string::npos) end = list.size();
        allowed += (allowed.empty() ? "" : "、") + ProjectStepZh(list.substr(start, end - start));
        start = end + 2;
      }
      return "项目 " + m[1].str() + " 当前为“" + ProjectStepZh(m[2]) + "”，不能办理“" + ProjectStepZh(m[3]) +
             "”；可办理：" + allowed;
    });
    add(R"(^no project (\d+)$)", [](const std::smatch& m) { return "没有项目 " + m[1].str(); });
    add(R"(^no allocation (\d+)$)", [](const std::smatch& m) { return "没有资金下达记录 " + m[1].str(); });
    add(R"(^no asset (\d+)$)", [](const std::smatch& m) { return "没有资产 " + m[1].str(); });
    // Input.
    add(R"(^(?:bad|invalid|missing) year$)", [](const std::smatch&) { return std::string("年度不正确"); });
    add(R"(^(?:bad|invalid) area(?: code)?$)", [](const std::smatch&) { return std::string("区划代码不正确"); });
    add(R"(^(?:bad|invalid) date$)", [](const std::smatch&) { return std::string("日期不正确（应为 YYYY-MM-DD）"); });
    add(R"(^(?:bad|invalid) amount$)", [](const std::smatch&) { return std::string("金额不正确"); });
    add(R"(^(?:bad limit|bad offset|negative offset|page size out of range)$)",
        [](const std::smatch&) { return std::string("分页参数不正确"); });
    // Change requests and grievances (issue 23).
    add(R"(^change request (\d+) was proposed on (\w+)/(\d+) as it was then; change request (\d+) has changed .+$)",
        [](const std::smatch& m) {
          return "变更申请 " + m[1].str() + " 提出后，记录（" + m[2].str() + "/" + m[3].str() + "）已被变更申请 " +
                 m[4].str() + " 修改，不能再批准；请退回或驳回变更申请 " + m[1].str();
        });
    add(R"(^change request (\d+) was proposed on (\w+)/(\d+) as it was then; .+ has been changed since; .+$)",
        [](const std::smatch& m) {
          return "变更申请 " + m[1].str() + " 提出后，记录（" + m[2].str() + "/" + m[3].str() +
                 "）已被修改，不能再批准；请退回或驳回";
        });
    add(R"(^change request (\d+) was proposed by this user; another person must decide it$)",
        [](const std::smatch& m) { return "变更申请 " + m[1].str() + " 由您本人提出，须由他人审核"; });
    add(R"(^change request (\d+) is (\w+); .+$)",
        [](const std::smatch& m) { return "变更申请 " + m[1].str() + " 的当前状态不允许此操作"; });
    add(R"(^no change request (\d+)$)", [](const std::smatch& m) { return "没有变更申请 " + m[1].str(); });
    add(R"(^no grievance (\S+)$)", [](const std::smatch& m) { return "没有信访件 " + m[1].str(); });
    add(R"(^grievance (\S+) is (\w+); it cannot be .+ now$)",
        [](const std::smatch& m) { return "信访件 " + m[1].str() + " 的当前状态不允许此操作"; });
    add(R"(^no application (\S+) with this phone number$)",
        [](const std::smatch& m) { return "没有找到编号为 " + m[1].str() + " 且手机号相符的申报"; });
    add(R"(^invalid change request$)", [](const std::smatch&) { return std::string("变更申请有误，请按提示修改"); });
    add(R"(^invalid grievance$)", [](const std::smatch&) { return std::string("信访登记有误，请按提示修改"); });
    add(R"(^invalid application$)", [](const std::smatch&) { return std::string("申报信息有误，请按提示修改"); });
    add(R"(^too many applications from this address; try again later$)",
        [](const std::smatch&) { return std::string("提交过于频繁，请稍后再试"); });
    return p;
  }();
  return kPatterns;
}

}  // namespace

std::string MessageZh(const std::string& code, const std::string& message) {
  for (const auto& p : Patterns()) {
    std::smatch m;
    if (std::regex_match(message, m, p.re)) return p.zh(m);
  }
  return DefaultFor(code);
}

}  // namespace fupin::server
