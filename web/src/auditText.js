// The audit trail read as sentences (docs/WEB_UI.md "Audit"): who did what to
// which record, when (Beijing time), and what changed, "字段：旧 → 新", with
// Chinese field names and code values read through the vocabularies. The
// raw entry stays in the API (GET /audit); this is only how it is shown.
import { label, vocab, known, setOfField } from './vocab.js'
import { beijingTime } from './time.js'
import { fenWithUnit } from './money.js'

const FIELDS = {
  number: ['户编号', 'household number'], village_code: ['所在村', 'village'], attribute: ['户属性', 'attribute'],
  main_cause: ['主要致贫原因', 'main cause'], other_causes: ['其他致贫原因', 'other causes'],
  identified_year: ['识别年度', 'identified year'], address: ['住址', 'address'], phone: ['联系电话', 'phone'],
  status: ['状态', 'status'], kind: ['类别', 'kind'], date: ['日期', 'date'], year: ['年度', 'year'], reason: ['原因', 'reason'],
  name: ['名称', 'name'], relation: ['与户主关系', 'relation'], id_number: ['身份证号', 'ID number'], sex: ['性别', 'sex'],
  birth_date: ['出生日期', 'birth date'], ethnicity: ['民族', 'ethnicity'], education: ['文化程度', 'education'],
  health: ['健康状况', 'health'], disability_grade: ['残疾等级', 'disability grade'], labour_ability: ['劳动能力', 'labour ability'],
  household_id: ['户', 'household'], person_id: ['人员', 'person'], start_date: ['开始日期', 'start date'],
  end_date: ['结束日期', 'end date'], members: ['计算人口', 'members'], wage_income: ['工资性收入', 'wage income'],
  production_income: ['生产经营性收入', 'production income'], property_income: ['财产性收入', 'property income'],
  transfer_income: ['转移性收入', 'transfer income'], production_cost: ['生产经营支出', 'production cost'],
  net_income: ['家庭纯收入', 'net income'], per_capita_net_income: ['人均纯收入', 'per-capita net income'],
  food_secure: ['不愁吃', 'food secure'], clothing_secure: ['不愁穿', 'clothing secure'], housing_safe: ['住房安全', 'housing safe'],
  drinking_water_safe: ['饮水安全', 'safe water'], key: ['键', 'key'], value: ['值', 'value'], source: ['依据', 'source'],
  effective_from: ['生效日期', 'effective from'], role: ['角色', 'role'], area_code: ['区划', 'area'], disabled: ['停用', 'disabled'],
  title: ['标题', 'title'], description: ['说明', 'description'], category: ['类别', 'category'], urgency: ['紧急程度', 'urgency'],
  deadline: ['截止日期', 'deadline'], amount: ['金额', 'amount'], amount_fen: ['金额', 'amount'], received_fen: ['已到位', 'received'],
  items: ['物资', 'items'], note: ['备注', 'note'], step: ['环节', 'step'], stage: ['当前环节', 'stage'], access: ['访问', 'access'],
  resource: ['模块', 'module'], scope: ['范围', 'scope'], unit: ['单位', 'unit'], position: ['职务', 'position'],
  cadre_id: ['帮扶干部', 'cadre'], done: ['帮扶内容', 'what was done'], policy: ['政策', 'policy'], policy_id: ['政策', 'policy'],
  entitlements: ['应享记录', 'entitlements'], department: ['部门', 'department'], rows: ['行数', 'rows'],
  employment: ['就业状况', 'employment'], school_status: ['在校状况', 'school status'], school_stage: ['学段', 'school stage'],
  major_disease: ['大病病种', 'major disease'], dibao_class: ['低保类别', 'dibao class'], house_grade: ['住房等级', 'house grade'],
  county_code: ['所在县', 'county'], display_name: ['显示名称', 'display name'], records: ['记录数', 'records'],
  expires_at: ['会话到期时间', 'session expires'], user: ['登录账号', 'login'],
}
const FEN_FIELDS = new Set(['wage_income', 'production_income', 'property_income', 'transfer_income', 'production_cost',
  'net_income', 'per_capita_net_income', 'amount_fen', 'received_fen'])
const HIDDEN = (k) => k === 'version' || k === 'id' || k.endsWith('_label') || k === 'updated_at' || k === 'created_at'

const en = (locale) => locale === 'en'

export function fieldLabel(key, locale) {
  const f = FIELDS[key]
  if (f) return en(locale) ? f[1] : f[0]
  return en(locale) ? key : '其他项'
}

// A value as a person reads it: the label of its vocabulary (which set a key
// holds is the server's table, GET /vocabularies `fields`), an area's name
// for an area code (the entry's `area_names`), money in yuan, yes or no.
// `ctx` = {kind: the entity kind, names: the entry's area_names}.
function valueText(key, v, locale, ctx = {}) {
  if (v === undefined || v === null || v === '') return en(locale) ? '(none)' : '（空）'
  if (typeof v === 'boolean') return en(locale) ? (v ? 'yes' : 'no') : (v ? '是' : '否')
  if (FEN_FIELDS.has(key) && typeof v === 'number') return fenWithUnit(v)
  const list = setOfField(ctx.kind, key)
  if (Array.isArray(v)) return v.map((x) => valueText(key, x, locale, ctx)).join('、')
  if (list && typeof v === 'string' && known(list)) return label(list, v, locale)
  if (typeof v === 'object') return Object.entries(v).filter(([k]) => !HIDDEN(k)).map(([k, x]) => `${fieldLabel(k, locale)} ${valueText(k, x, locale, ctx)}`).join('，')
  if (key === 'resource' && typeof v === 'string') return label('auditEntity', v, locale)
  if (key.endsWith('_code') && ctx.names?.[v]) return ctx.names[v]
  if ((key === 'policy' || key === 'policy_id') && policyNames[v]) return policyNames[v]
  if (key.endsWith('_at') && typeof v === 'number') return beijingTime(v)
  return String(v)
}

// Policy ids (edu.compulsory_living) -> their names, for the entries that name a policy
// (roster imports, entitlement runs); filled by the page from GET /policies.
const policyNames = {}
export function setPolicyNames(items) {
  for (const p of items || []) policyNames[p.id] = p.name
}

const contextOf = (e) => ({ kind: String(e.entity || '').split('/', 1)[0], names: e.area_names || {} })

// "household/12" -> "户 #12"; "survey/430424100200" -> "群众满意度调查 甲村"; "registry" -> "建档立卡";
// a name that is a code ("demo/hengdong") gives the entry's area instead: "演示数据（衡东县）".
export function entityText(entity, locale, e = {}) {
  if (!entity) return ''
  const [kind, id] = String(entity).split('/', 2)
  const known = vocab.auditEntity.find((x) => x[0] === kind)
  const name = known ? (en(locale) ? known[2] : known[1]) : (en(locale) ? kind : '记录')
  const names = e.area_names || {}
  if (!id) return name
  if (names[id]) return `${name} ${names[id]}`
  if (policyNames[id]) return `${name} ${policyNames[id]}`
  if (/^\d+$/.test(id)) return `${name} #${id}`
  if (en(locale)) return `${name} ${id}`
  return names[e.area_code] ? `${name}（${names[e.area_code]}）` : name
}

// Who did it: the login name; the command line's own operator (actor 0, "local") in words.
export function actorText(e, locale) {
  if (!e.actor_id && (!e.actor_name || e.actor_name === 'local')) return en(locale) ? 'the command line' : '命令行操作员'
  return e.actor_name
}

export function actionText(action, locale) {
  const known = vocab.auditAction.find((x) => x[0] === action)
  if (known) return en(locale) ? known[2] : known[1]
  return en(locale) ? action : '进行了操作'
}

// "张三 修改了贫困户信息 户 #12"
export function auditSentence(e, locale) {
  return `${actorText(e, locale)} ${actionText(e.action, locale)} ${entityText(e.entity, locale, e)}`.trim()
}

// What an entry changed: "住址：旧 → 新；…" for an update, the recorded fields
// for an addition; a refusal gives its reason.
export function auditChange(e, locale) {
  const before = e.before && typeof e.before === 'object' ? e.before : null
  const after = e.after && typeof e.after === 'object' ? e.after : null
  const ctx = contextOf(e)
  if (!after) return e.after == null ? '' : valueText('', e.after, locale, ctx)
  const sep = en(locale) ? '; ' : '；'
  const colon = en(locale) ? ': ' : '：'
  if (e.action === 'access.denied') {
    // The reason is the server's English text; the module and the access say it.
    const access = after.access === 'write' ? (en(locale) ? 'change' : '修改') : (en(locale) ? 'read' : '读取')
    return `${fieldLabel('resource', locale)}${colon}${label('auditEntity', after.resource, locale)}${sep}${fieldLabel('access', locale)}${colon}${access}`
  }
  if (!before) {
    return Object.keys(after).filter((k) => !HIDDEN(k) && after[k] !== '' && after[k] !== null)
      .map((k) => `${fieldLabel(k, locale)}${colon}${valueText(k, after[k], locale, ctx)}`).join(sep)
  }
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => !HIDDEN(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${fieldLabel(k, locale)}${colon}${valueText(k, before[k], locale, ctx)} → ${valueText(k, after[k], locale, ctx)}`).join(sep)
}

export const auditTime = (e) => beijingTime(e.at)
