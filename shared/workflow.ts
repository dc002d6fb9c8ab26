// The case workflow (案件流程) as a pure state machine: states, actions, who may take each action and from where.
// The core enforces it for every transport; the UI reads it to offer only the allowed actions.

/** Roles of the centre (domain §4.2). */
export const ROLES = [
  'operator', // 受理员
  'shift_leader', // 值班长
  'dispatcher', // 派遣员
  'supervisor', // 监督员
  'department', // 专业部门用户 (bound to a level-2/3/4 department)
  'leader', // 领导
  'gis_editor', // GIS 编辑
  'dr_operator', // 容灾操作员
  'admin', // 管理员
] as const;
export type Role = (typeof ROLES)[number];

/** Chinese names of the roles. */
export const ROLE_NAMES: Record<Role, string> = {
  operator: '受理员',
  shift_leader: '值班长',
  dispatcher: '派遣员',
  supervisor: '监督员',
  department: '部门用户',
  leader: '领导',
  gis_editor: 'GIS编辑',
  dr_operator: '容灾操作员',
  admin: '管理员',
};

/** Case states. */
export const CASE_STATES = [
  'pending_accept', // 待受理
  'pending_verify', // 待核实
  'pending_register', // 待立案
  'pending_dispatch', // 待派遣
  'handling', // 处置中
  'return_requested', // 回退待审
  'pending_check', // 待核查
  'pending_close', // 待结案
  'suspended', // 挂账
  'closed', // 已结案
  'voided', // 已作废
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const STATE_NAMES: Record<CaseState, string> = {
  pending_accept: '待受理',
  pending_verify: '待核实',
  pending_register: '待立案',
  pending_dispatch: '待派遣',
  handling: '处置中',
  return_requested: '回退待审',
  pending_check: '待核查',
  pending_close: '待结案',
  suspended: '挂账',
  closed: '已结案',
  voided: '已作废',
};

/** States in which a case is finished. */
export const FINAL_STATES: readonly CaseState[] = ['closed', 'voided'];

/** The clock that runs in each state (domain §4.4); null: no clock (finished or suspended). */
export type Stage = 'accept' | 'verify' | 'register' | 'dispatch' | 'handle' | 'check' | 'close';
export const STAGE_OF: Record<CaseState, Stage | null> = {
  pending_accept: 'accept',
  pending_verify: 'verify',
  pending_register: 'register',
  pending_dispatch: 'dispatch',
  handling: 'handle',
  return_requested: 'dispatch',
  pending_check: 'check',
  pending_close: 'close',
  suspended: null,
  closed: null,
  voided: null,
};
export const STAGE_NAMES: Record<Stage, string> = {
  accept: '受理',
  verify: '核实',
  register: '立案',
  dispatch: '派遣',
  handle: '处置',
  check: '核查',
  close: '结案',
};

/** Actions on an existing case. */
export const CASE_ACTIONS = [
  'accept', // 受理 → 待立案
  'sendVerify', // 受理并派核实 → 待核实
  'verify', // 监督员核实 → 待立案
  'register', // 立案 → 待派遣
  'void', // 作废
  'merge', // 合并到重复案件 (作废, merged_into)
  'selfHandle', // 自行处置 (监督员 fixed it on the spot) → 已结案
  'dispatch', // 派遣 to a level-2 department → 处置中
  'subDispatch', // 二级派遣: department passes down to its level-3/4 unit
  'subReport', // the level-3/4 unit reports back up to its parent
  'handle', // 处置反馈 → 待核查
  'requestReturn', // 申请回退
  'approveReturn', // 同意回退 → 待派遣 (re-dispatch)
  'refuseReturn', // 不同意回退 → 处置中
  'requestExtension', // 申请延期
  'approveExtension', // 批准延期 (new deadline)
  'refuseExtension', // 驳回延期
  'suspend', // 挂账 (clock stops)
  'resume', // 恢复
  'urge', // 督办
  'check', // 核查: passed → 待结案, failed → 返工 (处置中)
  'close', // 结案
  'rework', // 返工 from 待结案
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const ACTION_NAMES: Record<CaseAction, string> = {
  accept: '受理',
  sendVerify: '派核实',
  verify: '核实',
  register: '立案',
  void: '作废',
  merge: '合并',
  selfHandle: '自行处置',
  dispatch: '派遣',
  subDispatch: '下派',
  subReport: '下级反馈',
  handle: '处置反馈',
  requestReturn: '申请回退',
  approveReturn: '同意回退',
  refuseReturn: '不同意回退',
  requestExtension: '申请延期',
  approveExtension: '批准延期',
  refuseExtension: '驳回延期',
  suspend: '挂账',
  resume: '恢复',
  urge: '督办',
  check: '核查',
  close: '结案',
  rework: '返工',
};

/** Facts about the case that guards read (never the database). */
export interface CaseFacts {
  state: CaseState;
  /** State to return to on resume (set while suspended). */
  suspendedFrom?: CaseState | null;
  /** A pending extension request. */
  extensionRequested?: boolean;
  /** Level of the department currently holding the case (2, 3 or 4), while handling. */
  assigneeLevel?: number | null;
}

/** Extra input some actions carry. */
export interface ActionInput {
  /** check: whether the check passed. */
  passed?: boolean;
}

interface Rule {
  from: readonly CaseState[];
  roles: readonly Role[];
  /** Next state; a function where it depends on the case or the input. */
  to: CaseState | ((c: CaseFacts, i: ActionInput) => CaseState);
  /** Extra condition with the refusal message. */
  guard?: (c: CaseFacts) => string | null;
  /** A reason text is required. */
  needsReason?: boolean;
}

const OPEN: readonly CaseState[] = [
  'pending_accept',
  'pending_verify',
  'pending_register',
  'pending_dispatch',
  'handling',
  'return_requested',
  'pending_check',
  'pending_close',
  'suspended',
];

/** The transition table. Admin may take every action (a single-workstation centre has one user). */
export const RULES: Record<CaseAction, Rule> = {
  accept: { from: ['pending_accept'], roles: ['operator', 'shift_leader'], to: 'pending_register' },
  sendVerify: { from: ['pending_accept'], roles: ['operator', 'shift_leader'], to: 'pending_verify' },
  verify: { from: ['pending_verify'], roles: ['supervisor', 'operator', 'shift_leader'], to: 'pending_register' },
  register: { from: ['pending_register'], roles: ['shift_leader'], to: 'pending_dispatch' },
  void: { from: ['pending_accept', 'pending_verify', 'pending_register'], roles: ['shift_leader', 'operator'], to: 'voided', needsReason: true },
  merge: { from: ['pending_accept', 'pending_verify', 'pending_register'], roles: ['operator', 'shift_leader'], to: 'voided' },
  selfHandle: { from: ['pending_accept'], roles: ['supervisor'], to: 'closed' },
  dispatch: { from: ['pending_dispatch'], roles: ['dispatcher'], to: 'handling' },
  subDispatch: {
    from: ['handling'],
    roles: ['department'],
    to: 'handling',
    guard: (c) => (c.assigneeLevel != null && c.assigneeLevel >= 4 ? 'a fourth-level unit has no unit below it' : null),
  },
  subReport: {
    from: ['handling'],
    roles: ['department'],
    to: 'handling',
    guard: (c) => (c.assigneeLevel == null || c.assigneeLevel <= 2 ? 'only a third- or fourth-level unit reports back to its parent' : null),
  },
  handle: {
    from: ['handling'],
    roles: ['department'],
    to: 'pending_check',
    guard: (c) => (c.assigneeLevel != null && c.assigneeLevel > 2 ? 'the case is with a lower-level unit: it reports back to its parent first' : null),
  },
  requestReturn: { from: ['handling'], roles: ['department'], to: 'return_requested', needsReason: true },
  approveReturn: { from: ['return_requested'], roles: ['dispatcher'], to: 'pending_dispatch' },
  refuseReturn: { from: ['return_requested'], roles: ['dispatcher'], to: 'handling', needsReason: true },
  requestExtension: {
    from: ['handling'],
    roles: ['department'],
    to: 'handling',
    needsReason: true,
    guard: (c) => (c.extensionRequested ? 'an extension request is already waiting for approval' : null),
  },
  approveExtension: {
    from: ['handling'],
    roles: ['dispatcher'],
    to: 'handling',
    guard: (c) => (c.extensionRequested ? null : 'there is no extension request to approve'),
  },
  refuseExtension: {
    from: ['handling'],
    roles: ['dispatcher'],
    to: 'handling',
    needsReason: true,
    guard: (c) => (c.extensionRequested ? null : 'there is no extension request to refuse'),
  },
  suspend: { from: ['pending_dispatch', 'handling'], roles: ['dispatcher', 'shift_leader'], to: 'suspended', needsReason: true },
  resume: {
    from: ['suspended'],
    roles: ['dispatcher', 'shift_leader'],
    to: (c) => c.suspendedFrom ?? 'pending_dispatch',
  },
  urge: { from: OPEN, roles: ['leader', 'shift_leader'], to: (c) => c.state, needsReason: true },
  check: { from: ['pending_check'], roles: ['supervisor', 'operator'], to: (_c, i) => (i.passed ? 'pending_close' : 'handling') },
  close: { from: ['pending_close'], roles: ['shift_leader'], to: 'closed' },
  rework: { from: ['pending_close'], roles: ['shift_leader'], to: 'handling', needsReason: true },
};

/** Roles allowed to take an action (admin always may). */
export function rolesFor(action: CaseAction): Role[] {
  return [...RULES[action].roles, 'admin'];
}

/** The outcome of asking the machine. */
export type Decision = { ok: true; to: CaseState } | { ok: false; reason: 'state' | 'role' | 'guard' | 'reason'; message: string };

/** Decides whether `role` may take `action` on a case with `facts`, and where it leads. Pure. */
export function decide(facts: CaseFacts, action: CaseAction, role: Role, input: ActionInput & { reason?: string | null } = {}): Decision {
  const rule = RULES[action];
  if (!rule.from.includes(facts.state)) {
    const allowed = rule.from.map((s) => `${STATE_NAMES[s]} (${s})`).join(', ');
    return {
      ok: false,
      reason: 'state',
      message: `${ACTION_NAMES[action]} (${action}) is not allowed in ${STATE_NAMES[facts.state]} (${facts.state}); it is allowed in: ${allowed}`,
    };
  }
  if (role !== 'admin' && !rule.roles.includes(role)) {
    const who = rule.roles.map((r) => ROLE_NAMES[r]).join('、');
    return { ok: false, reason: 'role', message: `${ACTION_NAMES[action]} (${action}) needs the role ${who}; you are ${ROLE_NAMES[role]}` };
  }
  const g = rule.guard?.(facts);
  if (g) return { ok: false, reason: 'guard', message: `${ACTION_NAMES[action]} (${action}): ${g}` };
  if (rule.needsReason && !input.reason?.trim()) {
    return { ok: false, reason: 'reason', message: `${ACTION_NAMES[action]} (${action}) needs a reason` };
  }
  const to = typeof rule.to === 'function' ? rule.to(facts, input) : rule.to;
  return { ok: true, to };
}

/** The actions a role can take on a case now (for the UI; the core decides again). */
export function allowedActions(facts: CaseFacts, role: Role): CaseAction[] {
  return CASE_ACTIONS.filter((a) => {
    const d = decide(facts, a, role, { reason: 'x', passed: true });
    return d.ok;
  });
}

/** Intake channels shipped by default; the centre may add more (channels table). `verify`: public reports are verified. */
export interface Channel {
  code: string;
  name: string;
  /** Reports from the public are sent to a supervisor for 核实 before 立案. */
  needsVerify: boolean;
}

/** Queues shown per role, with the states (or conditions) they list. */
export const QUEUES = [
  'pending_accept',
  'pending_verify',
  'pending_register',
  'pending_dispatch',
  'handling',
  'pending_check',
  'pending_close',
  'closed',
  'overdue',
  'suspended',
  'return_requested',
  'all',
] as const;
export type QueueName = (typeof QUEUES)[number];

/** The queues each role sees first (all roles may open 'all'). */
export const ROLE_QUEUES: Record<Role, QueueName[]> = {
  operator: ['pending_accept', 'pending_verify', 'pending_check', 'overdue', 'all'],
  shift_leader: ['pending_accept', 'pending_register', 'pending_close', 'overdue', 'suspended', 'all'],
  dispatcher: ['pending_dispatch', 'return_requested', 'handling', 'overdue', 'suspended', 'all'],
  supervisor: ['pending_verify', 'pending_check', 'all'],
  department: ['handling', 'overdue', 'closed', 'all'],
  leader: ['overdue', 'handling', 'closed', 'all'],
  gis_editor: ['all'],
  dr_operator: ['all'],
  admin: [
    'pending_accept',
    'pending_verify',
    'pending_register',
    'pending_dispatch',
    'handling',
    'return_requested',
    'pending_check',
    'pending_close',
    'closed',
    'overdue',
    'suspended',
    'all',
  ],
};
