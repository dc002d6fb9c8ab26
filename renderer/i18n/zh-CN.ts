/** Chinese UI strings (default language). */
export const zhCN = {
  app: { title: '数字化城管监督指挥中心', short: 'CityOps' },
  layers: {
    title: '图层', grid: '单元网格', boundaries: '街道/社区边界', components: '部件', all: '全部', none: '全不选',
    legend: '图例', cases: '案件', count: '{{count}} 个', base: '底图',
  },
  panel: {
    component: '部件属性', cell: '单元网格', close: '关闭', empty: '点击地图上的部件或网格查看属性',
    code: '标识码', name: '部件名称', class: '类别', major: '大类', dept1: '主管部门', dept2: '权属单位', dept3: '养护单位',
    grid: '所在网格', state: '部件状态', orDate: '初始日期', chDate: '变更日期', dataSource: '数据来源', note: '备注',
    lonlat: '经纬度', version: '版本', street: '街道', community: '社区', area: '面积', components: '部件数',
  },
  search: { placeholder: '搜索网格编码、部件编码、街道或社区', none: '没有找到 “{{q}}”', go: '搜索' },
  status: {
    renderer: '渲染', webgl: 'WebGL', canvas: 'Canvas（降级：无 WebGL）', cursor: '经纬度', gk: 'CGCS2000 3°带 中央经线120°',
    visible: '可见部件 {{shown}} / {{total}}', decimated: '（已抽稀）', online: '已连接', offline: '连接中断', loading: '加载中…',
    seeding: '首次启动：正在生成示例城市 {{phase}} {{pct}}%',
  },
  settings: {
    title: '设置', baseLayer: '底图', none: '无（离线）', xyz: 'XYZ 瓦片', tianditu: '天地图', url: '瓦片地址', key: '天地图密钥',
    layer: '图层', vec: '矢量', img: '影像', opacity: '不透明度', save: '保存', cancel: '取消', saved: '已保存',
    gcjWarning: '注意：高德、腾讯等瓦片采用 GCJ-02 加密坐标，与 CGCS2000 数据相差数百米；百度为 BD-09。请使用 WGS84/CGCS2000 瓦片（如天地图）。',
  },
  lang: { switch: 'English' },
  auth: {
    title: '登录', name: '用户名', password: '密码', submit: '登录', logout: '退出登录', failed: '登录失败：{{msg}}',
    hint: '桌面版首次启动时会创建管理员账号（admin），密码显示在首次启动的提示框中，并保存在数据目录的 first-admin.txt。',
  },
  role: {
    operator: '受理员', shift_leader: '值班长', dispatcher: '派遣员', supervisor: '监督员', department: '部门用户', leader: '领导',
    gis_editor: 'GIS编辑', dr_operator: '容灾操作员', admin: '管理员',
  },
  tabs: { cases: '案件', layers: '图层' },
  queues: {
    pending_accept: '待受理', pending_verify: '待核实', pending_register: '待立案', pending_dispatch: '待派遣', handling: '处置中',
    return_requested: '回退待审', pending_check: '待核查', pending_close: '待结案', closed: '已结案', overdue: '超时', suspended: '挂账', all: '全部',
  },
  state: {
    pending_accept: '待受理', pending_verify: '待核实', pending_register: '待立案', pending_dispatch: '待派遣', handling: '处置中',
    return_requested: '回退待审', pending_check: '待核查', pending_close: '待结案', suspended: '挂账', closed: '已结案', voided: '已作废',
  },
  action: {
    accept: '受理', sendVerify: '派核实', verify: '核实', register: '立案', void: '作废', merge: '合并', selfHandle: '自行处置',
    dispatch: '派遣', subDispatch: '下派', subReport: '下级反馈', handle: '处置反馈', requestReturn: '申请回退', approveReturn: '同意回退',
    refuseReturn: '不同意回退', requestExtension: '申请延期', approveExtension: '批准延期', refuseExtension: '驳回延期', suspend: '挂账',
    resume: '恢复', urge: '督办', check: '核查', close: '结案', rework: '返工', intake: '登记',
  },
  cases: {
    search: '搜索案件内容、地址、案件号', newCase: '新建案件 (N)', none: '没有案件', total: '共 {{n}} 件', more: '更多',
    filterClass: '类别', filterChannel: '渠道', filterStreet: '街道', onlyOverdue: '仅超时', any: '全部', keys: '↑↓ 选择 · Enter 打开 · N 新建',
    due: '时限', left: '剩余', overdue: '超时', overdue3x: '超时3倍', noClock: '—', stage: '阶段',
    caseNo: '案件号', class: '类别', channel: '渠道', place: '位置', grid: '网格', reporter: '反映人', phone: '电话', callback: '需回复',
    dept: '处置部门', assignee: '当前承办', component: '部件', description: '问题描述', created: '登记时间', history: '处理过程',
    photos: '照片', actions: '操作', counts: '返工 {{rework}} · 延期 {{ext}} · 回退 {{ret}} · 督办 {{urge}}', yes: '是', no: '否',
    reason: '理由', result: '处置结果', passed: '核查通过', failed: '核查不通过（返工）', extension: '延期', value: '数值', unit: '单位',
    target: '派往部门', suggested: '（路由建议）', submit: '确定', cancel: '取消', mergeInto: '合并到', duplicates: '疑似重复（{{r}} 米、{{h}} 小时内同类）',
    mergeHere: '合并到此案', noDuplicates: '没有疑似重复', addPhoto: '添加照片', extensionPending: '延期申请待审批：{{v}} {{u}}', closeType: '结案类型',
    from: '起始日期', to: '截止日期',
    close_normal: '正常结案', close_overdue: '超时结案', close_self: '自行处置', selected: '已选中案件', locate: '地图定位',
  },
  intake: {
    title: '新建案件', channel: '来源渠道', kind: '类型', event: '事件', component: '部件', class: '类别', componentCode: '部件编码',
    pickOnMap: '在地图上点选位置', picking: '请在地图上点击问题位置…', address: '地址描述', callerName: '来电人', callerPhone: '来电号码',
    callback: '需要回复', description: '问题描述', photo: '照片', submit: '登记 (Ctrl+Enter)', cancel: '取消', located: '已定位：{{cell}}',
    selfHandled: '已现场自行处置（监督员）', needLocation: '请点选地图位置、填写地址或部件编码',
  },
  alerts: { title: '超时告警', none: '没有未处理的告警', ack: '全部确认', count: '告警 {{n}}', sms: '短信发件箱', smsEmpty: '发件箱为空', retry: '重发',
    smsStatus: { queued: '待发送', sent: '已发送', logged: '已记录', failed: '失败' }, to: '收件人', body: '内容', attempts: '尝试', at: '时间' },
  stage: { accept: '受理', verify: '核实', register: '立案', dispatch: '派遣', handle: '处置', check: '核查', close: '结案' },
  units: { urgent_hour: '紧急小时', work_hour: '工作时', work_day: '工作日', natural_day: '自然日' },
};
