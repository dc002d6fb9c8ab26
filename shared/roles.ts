// Roles of the centre's accounts. Who may call which method is declared per method in the contract (shared/contract)
// and decided by shared/access.ts; who may take which case action is the workflow's table (shared/workflow.ts).

/** Every role an account can have. */
export const ROLES = [
  'operator', // 受理员: takes calls and reports in, accepts them
  'shift_leader', // 值班长: registers (立案) and closes (结案) cases
  'dispatcher', // 派遣员: dispatches registered cases to departments
  'supervisor', // 监督员 (信息采集员): reports from the street, verifies (核实) and checks (核查)
  'department', // 专业部门用户: bound to one level-2, 3 or 4 department
  'leader', // 领导: reads, urges (督办)
  'gis_editor', // GIS 编辑: edits the component and grid layers
  'dr_operator', // 容灾操作员: the off-site replica and restore drills
  'admin', // 管理员: everything
] as const;
/** One role. */
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
