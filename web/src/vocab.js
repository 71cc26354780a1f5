// Code lists of the registry (src/registry/vocab.cc): the API takes the code,
// the server checks it and answers with the Chinese label beside it.
export const vocab = {
  attribute: [['general', '一般贫困户', 'General'], ['dibao', '低保贫困户', 'Minimum-living-allowance'],
    ['destitute', '特困供养户', 'Destitute (five guarantees)'], ['none', '非贫困户', 'Not poor']],
  cause: [['illness', '因病', 'Illness'], ['disability', '因残', 'Disability'], ['schooling', '因学', 'Schooling'],
    ['disaster', '因灾', 'Disaster'], ['lack_of_land', '缺土地', 'Lack of land'], ['lack_of_water', '缺水', 'Lack of water'],
    ['lack_of_skills', '缺技术', 'Lack of skills'], ['lack_of_labour', '缺劳力', 'Lack of labour'],
    ['lack_of_capital', '缺资金', 'Lack of capital'], ['poor_transport', '交通条件落后', 'Poor transport'],
    ['lack_of_motivation', '自身发展动力不足', 'Lack of motivation'], ['none', '无', 'None']],
  status: [['poor', '未脱贫', 'Poor'], ['exited', '已脱贫', 'Exited'], ['removed', '已清退', 'Removed'],
    ['deceased', '已销户', 'Closed (deceased)'], ['unregistered', '未建档', 'Unregistered']],
  eventKind: [['identified', '识别纳入', 'Identified'], ['exited', '脱贫', 'Exited'], ['returned', '返贫', 'Returned to poverty'],
    ['removed', '清退', 'Removed'], ['deceased', '死亡销户', 'Closed (deceased)']],
  relation: [['head', '户主', 'Head'], ['spouse', '配偶', 'Spouse'], ['child', '子女', 'Child'],
    ['child_in_law', '儿媳/女婿', 'Child-in-law'], ['grandchild', '孙子女', 'Grandchild'], ['parent', '父母', 'Parent'],
    ['grandparent', '祖父母', 'Grandparent'], ['sibling', '兄弟姐妹', 'Sibling'], ['other', '其他', 'Other']],
  role: [['administrator', '系统管理员', 'Administrator'], ['county_office', '县扶贫办', 'County office'],
    ['township', '乡镇', 'Township'], ['village_cadre', '村干部/驻村工作队', 'Village cadre'],
    ['paired_cadre', '结对帮扶干部', 'Paired cadre'], ['sector_department', '行业部门', 'Sector department'],
    ['donor', '爱心人士', 'Donor'], ['auditor', '审计监督', 'Auditor']],
  // Social assistance (src/social, docs/SOCIAL.md).
  needCategory: [['production', '产业发展', 'Production'], ['living', '生活救助', 'Living'], ['education', '教育助学', 'Education'],
    ['medical', '医疗救助', 'Medical'], ['employment', '就业帮扶', 'Employment'], ['other', '其他', 'Other']],
  urgency: [['normal', '一般', 'Normal'], ['urgent', '紧急', 'Urgent'], ['critical', '特急', 'Critical']],
  needStatus: [['pending_review', '待审核', 'Awaiting review'], ['open', '募集中', 'Open'], ['closed', '已完成', 'Closed'],
    ['rejected', '未通过', 'Rejected']],
  pledgeStatus: [['open', '待送达', 'Open'], ['delivered', '已送达', 'Delivered'], ['withdrawn', '已撤回', 'Withdrawn'],
    ['released', '需求已满足', 'Released']],
  dockingStatus: [['reported', '待确认', 'Awaiting confirmation'], ['confirmed', '已确认', 'Confirmed'], ['rejected', '已退回', 'Rejected']],
  feedbackKind: [['thanks', '感谢', 'Thanks'], ['complaint', '投诉', 'Complaint']],
  criterionResult: [['pass', '达标', 'Pass'], ['fail', '未达标', 'Fail'], ['unknown', '待核实', 'Unknown']],
  // Return-to-poverty monitoring (src/monitoring, docs/MONITORING.md).
  monitoringCategory: [['unstable', '脱贫不稳定户', 'Unstable exited'], ['marginal', '边缘易致贫户', 'Marginal'],
    ['sudden', '突发严重困难户', 'Sudden hardship']],
  caseStatus: [['identifying', '识别中', 'Identifying'], ['monitored', '监测中', 'Monitored'], ['eliminated', '风险已消除', 'Risk eliminated'],
    ['rejected', '未纳入', 'Rejected']],
  caseSource: [['self_report', '农户自主申报', 'Self-report'], ['cadre_report', '干部排查', 'Cadre report'],
    ['department_alert', '部门筛查预警', 'Department alert'], ['data_analysis', '数据分析', 'Data analysis']],
  caseStep: [['alert', '预警', 'Alert'], ['home_check', '入户核实', 'Home check'], ['consent', '农户承诺授权', 'Consent'],
    ['data_comparison', '部门数据比对', 'Data comparison'], ['village_appraisal', '村民主评议', 'Village appraisal'],
    ['public_notice', '公示', 'Public notice'], ['township_review', '乡镇审核', 'Township review'],
    ['county_approval', '县级审定', 'County approval'], ['entry', '纳入监测', 'Entry']],
  stepAction: [['done', '办结', 'Done'], ['return', '退回', 'Sent back'], ['reject', '不予纳入', 'Rejected'], ['open', '发起', 'Opened']],
  measureKind: [['policy', '政策帮扶', 'Policy'], ['assistance', '结对帮扶', 'Assistance'], ['employment', '就业帮扶', 'Employment'],
    ['industry', '产业帮扶', 'Industry'], ['other', '其他', 'Other']],
  measureStatus: [['planned', '计划', 'Planned'], ['in_progress', '实施中', 'In progress'], ['done', '已完成', 'Done'],
    ['stopped', '已终止', 'Stopped']],
  eliminationReason: [['income_stable', '收入持续稳定', 'Income stable'], ['hardship_over', '困难已解决', 'Hardship over']],
  overdueKind: [['step_overdue', '环节超期', 'Step overdue'], ['monitored_too_long', '监测时间过长', 'Monitored too long']],
  severity: [['error', '错误', 'Error'], ['warning', '警告', 'Warning'], ['info', '提示', 'Info']],
}

// [{value, label}] in the current language.
export function options(list, locale) {
  return vocab[list].map(([value, zh, en]) => ({ value, label: locale === 'en' ? en : zh }))
}

export function label(list, value, locale) {
  const t = vocab[list].find((x) => x[0] === value)
  if (!t) return value ?? ''
  return locale === 'en' ? t[2] : t[1]
}
