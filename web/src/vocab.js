// Labels of code lists. The closed sets the server keeps one table of (roles,
// household statuses, event kinds, causes, relations, the needs board's states,
// the monitoring steps and kinds ...) come from GET /api/v1/vocabularies,
// loaded once (loadVocabularies, before the app mounts): their Chinese label is
// the server's `label_zh`, their English one the value spelled out. The lists
// below are those of the web alone (the audit trail's words, report modules ...).
import { reactive } from 'vue'
import { api } from './api.js'

// name -> [{value, label_zh}], from the server; fields: the key of a record
// ("main_cause", or "need/status" for a key of one entity kind) -> the name
// of the set its values are of (the server's one table, `fields` of each set).
export const served = reactive({ sets: {}, fields: {} })

export async function loadVocabularies() {
  try {
    const { items } = await api.get('/vocabularies')
    const sets = {}
    const fields = {}
    for (const v of items || []) {
      sets[v.name] = v.terms
      for (const f of v.fields || []) fields[f] = v.name
    }
    served.sets = sets
    served.fields = fields
  } catch {
    // An older server: labels show as their values.
  }
  return served.sets
}

// 'county_office' -> 'County office'.
const spelled = (value) => {
  const s = String(value ?? '').replace(/_/g, ' ')
  return s ? s[0].toUpperCase() + s.slice(1) : ''
}

export const vocab = {
  severity: [['error', '错误', 'Error'], ['warning', '警告', 'Warning'], ['info', '提示', 'Info']],
  // The modules that provide a figure of the progress report (`module` of GET /reports/progress).
  reportModule: [['registry', '建档立卡', 'Registry'], ['assessment', '退出评估', 'Assessment'], ['assistance', '帮扶力量', 'Assistance'],
    ['social', '社会扶贫', 'Social assistance'], ['policy', '政策享受', 'Policies'], ['education', '教育', 'Education'],
    ['health', '卫生健康', 'Health'], ['monitoring', '防返贫监测', 'Monitoring'], ['employment', '就业', 'Employment'],
    ['industry', '产业就业', 'Industry and jobs'], ['housing', '住房与基础设施', 'Housing and infrastructure'],
    ['projects', '项目资金', 'Projects and funds']],
  // The audit trail's actions (AuditEvent.action of the services), as a verb phrase.
  auditAction: [
    ['access.denied', '被拒绝访问', 'was refused access to'], ['login.success', '登录了系统', 'logged in'],
    ['login.failure', '登录失败', 'failed to log in'], ['login.refused', '登录被拒绝', 'was refused login'],
    ['user.create', '新增了用户', 'created user'], ['user.disable', '停用了用户', 'disabled user'],
    ['user.password_change', '修改了密码', 'changed the password of'], ['user.password_change_refused', '修改密码被拒绝', 'was refused a password change of'],
    ['keys.rotate', '更换了身份证号加密密钥', 'rotated the ID-number key'],
    ['household.add', '新增了贫困户', 'added household'], ['household.update', '修改了贫困户信息', 'changed household'],
    ['household.delete', '删除了贫困户', 'deleted household'], ['household.event', '登记了状态变动', 'recorded a status event of'],
    ['household.year', '录入了年度信息', 'recorded the yearly facts of'], ['household.app_enrol', '登记了 App 注册', 'recorded the app registration of'],
    ['person.add', '新增了家庭成员', 'added person'], ['person.update', '修改了人员信息', 'changed person'],
    ['person.move', '变更了人员所在户', 'moved person'], ['person.year', '录入了人员年度信息', 'recorded the yearly facts of'],
    ['person.id_number_view', '查看了完整身份证号', 'viewed the full ID number of'],
    ['param.set', '设置了政策参数', 'set the parameter'], ['entitlement.run', '计算了应享名单', 'ran the entitlements of'],
    ['roster.import', '导入了部门名册', 'imported a roster for'],
    ['cadre.add', '新增了帮扶干部', 'added cadre'], ['cadre.handover', '交接了帮扶干部的结对户', 'handed over the households of'],
    ['cadre.import', '导入了帮扶干部', 'imported cadres'], ['pairing.add', '新增了结对帮扶', 'added a pairing'],
    ['pairing.end', '结束了结对帮扶', 'ended a pairing'], ['pairing.import', '导入了结对帮扶', 'imported pairings'],
    ['visit.add', '记录了走访', 'recorded a visit to'], ['leader.link', '登记了领导联系点', 'linked a leader to'],
    ['department.add', '新增了行业部门', 'added department'], ['department.add_standard', '新增了标准行业部门', 'added the standard departments'],
    ['work_team.add', '新增了驻村工作队', 'added work team'], ['work_team.import', '导入了驻村工作队', 'imported work teams'],
    ['work_team.member_add', '新增了工作队队员', 'added a member to'],
    ['survey.add', '录入了群众满意度调查', 'recorded a survey'], ['survey.import', '导入了群众满意度调查', 'imported surveys'],
    ['need.publish', '发布了帮扶需求', 'published need'], ['need.approve', '审核通过了需求', 'approved need'],
    ['need.reject', '退回了需求', 'rejected need'], ['need.fulfil', '完成了需求', 'closed need'],
    ['pledge.create', '认捐了需求', 'pledged to'], ['pledge.withdraw', '撤回了认捐', 'withdrew pledge'],
    ['docking.record', '登记了对接', 'recorded docking'], ['docking.confirm', '确认了对接', 'confirmed docking'],
    ['docking.reject', '退回了对接', 'rejected docking'], ['feedback.record', '记录了农户反馈', 'recorded feedback on'],
    ['donor.register', '注册为爱心人士', 'registered as donor'], ['donor.update', '修改了爱心人士资料', 'changed donor'],
    ['monitoring.case_open', '发起了防返贫监测', 'opened a monitoring case for'], ['monitoring.case_step', '办理了监测环节', 'recorded a step of'],
    ['monitoring.case_eliminate', '认定了风险消除', 'eliminated the risk of'], ['monitoring.measure_add', '新增了帮扶措施', 'added a measure to'],
    ['monitoring.measure_update', '更新了帮扶措施', 'updated a measure of'], ['monitoring.scan_open', '按筛查结果发起了监测', 'opened cases from a scan'],
    ['monitoring.alerts_import', '导入了部门预警', 'imported alerts'], ['monitoring.alerts_record', '登记了部门预警', 'recorded alerts'],
    ['monitoring.cases_import', '导入了监测对象', 'imported cases'], ['monitoring.parameter_set', '设置了监测参数', 'set a monitoring parameter'],
    ['monitoring.threshold_set', '设置了监测标准', 'set a monitoring threshold'], ['monitoring.spending_add', '录入了刚性支出', 'recorded spending of'],
    ['demo.generate', '生成了演示数据', 'generated the demo data of'], ['demo.grievances', '生成了演示诉求', 'generated demo grievances'],
    ['social.demo', '生成了社会扶贫演示数据', 'generated social demo data'], ['projects.demo', '生成了项目资金演示数据', 'generated project demo data'],
    ['industry.demo', '生成了产业就业演示数据', 'generated industry demo data'], ['housing.demo', '生成了住房保障演示数据', 'generated housing demo data'],
  ],
  // What an audit entry names (the part of `entity` before the slash).
  auditEntity: [['household', '户', 'household'], ['person', '人员', 'person'], ['user', '用户', 'user'], ['need', '需求', 'need'],
    ['pledge', '认捐', 'pledge'], ['docking', '对接', 'docking'], ['cadre', '帮扶干部', 'cadre'], ['pairing', '结对', 'pairing'],
    ['work_team', '工作队', 'work team'], ['param', '参数', 'parameter'], ['monitoring_case', '监测对象', 'case'],
    ['case', '监测对象', 'case'], ['area', '区划', 'area'], ['donor', '爱心人士', 'donor'], ['policy', '政策', 'policy'],
    ['registry', '建档立卡', 'registry'], ['assessment', '退出评估', 'assessment'], ['monitoring', '防返贫监测', 'monitoring'],
    ['social', '社会帮扶', 'social assistance'], ['roster', '部门名册', 'roster'], ['audit', '审计日志', 'audit trail'],
    ['users', '用户', 'users'], ['params', '政策参数', 'parameters'], ['assistance', '帮扶力量', 'assistance'],
    ['demo', '演示数据', 'demo data'], ['survey', '群众满意度调查', 'survey'], ['entitlements', '应享名单', 'entitlements'],
    ['projects', '项目资金', 'projects'], ['industry', '产业就业', 'industry'], ['housing', '住房保障', 'housing'],
    ['monitoring_alerts', '部门预警', 'alerts'], ['monitoring_cases', '监测对象', 'cases']],
}

// The set whose values a record's key holds ("need/status" before "status"), or undefined.
export function setOfField(entityKind, key) {
  return served.fields[`${entityKind}/${key}`] || served.fields[key]
}

// Whether a list is known (served or the web's own).
export function known(list) {
  return !!(served.sets[list] || vocab[list])
}

// The values of a list in order.
export function values(list) {
  if (served.sets[list]) return served.sets[list].map((t) => t.value)
  return (vocab[list] || []).map((x) => x[0])
}

// [{value, label}] in the current language.
export function options(list, locale) {
  if (served.sets[list]) {
    return served.sets[list].map((t) => ({ value: t.value, label: locale === 'en' ? spelled(t.value) : t.label_zh }))
  }
  return (vocab[list] || []).map(([value, zh, en]) => ({ value, label: locale === 'en' ? en : zh }))
}

export function label(list, value, locale) {
  const terms = served.sets[list]
  if (terms) {
    const t = terms.find((x) => x.value === value)
    if (!t) return value ?? ''
    return locale === 'en' ? spelled(t.value) : t.label_zh
  }
  const t = (vocab[list] || []).find((x) => x[0] === value)
  if (!t) return value ?? ''
  return locale === 'en' ? t[2] : t[1]
}
