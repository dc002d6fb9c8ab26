import type { zhCN } from './zh-CN.ts';

/** English UI strings. */
export const en: typeof zhCN = {
  app: { title: 'Digital City Management Centre', short: 'CityOps' },
  layers: {
    title: 'Layers', grid: 'Unit grid', boundaries: 'Street/community boundaries', components: 'Components', all: 'All', none: 'None',
    legend: 'Legend', cases: 'Cases', count: '{{count}}', base: 'Base map',
  },
  panel: {
    component: 'Component', cell: 'Grid cell', close: 'Close', empty: 'Click a component or a grid cell on the map',
    code: 'Code', name: 'Name', class: 'Class', major: 'Major class', dept1: 'Competent dept.', dept2: 'Owner', dept3: 'Maintainer',
    grid: 'Grid cell', state: 'State', orDate: 'Initial date', chDate: 'Change date', dataSource: 'Data source', note: 'Note',
    lonlat: 'Lon/lat', version: 'Version', street: 'Street', community: 'Community', area: 'Area', components: 'Components',
  },
  search: { placeholder: 'Search a grid code, component code, street or community', none: 'Nothing found for “{{q}}”', go: 'Search' },
  status: {
    renderer: 'Renderer', webgl: 'WebGL', canvas: 'Canvas (fallback: no WebGL)', cursor: 'Lon/lat', gk: 'CGCS2000 3° GK CM 120E',
    visible: 'Components shown {{shown}} / {{total}}', decimated: ' (decimated)', online: 'Connected', offline: 'Disconnected', loading: 'Loading…',
    seeding: 'First start: building the sample city {{phase}} {{pct}}%',
  },
  settings: {
    title: 'Settings', baseLayer: 'Base map', none: 'None (offline)', xyz: 'XYZ tiles', tianditu: 'Tianditu', url: 'Tile URL', key: 'Tianditu key',
    layer: 'Layer', vec: 'Vector', img: 'Imagery', opacity: 'Opacity', save: 'Save', cancel: 'Cancel', saved: 'Saved',
    gcjWarning: 'Note: Amap and Tencent tiles use the GCJ-02 datum and sit a few hundred metres off CGCS2000 data; Baidu uses BD-09. Use WGS84/CGCS2000 tiles (e.g. Tianditu).',
  },
  lang: { switch: '中文' },
  auth: {
    title: 'Log in', name: 'User name', password: 'Password', submit: 'Log in', logout: 'Log out', failed: 'Login failed: {{msg}}',
    hint: 'On its first start the desktop app creates the administrator (admin); the password is shown once and saved as first-admin.txt in the data folder.',
  },
  role: {
    operator: 'Call-taker', shift_leader: 'Shift leader', dispatcher: 'Dispatcher', supervisor: 'Supervisor', department: 'Department', leader: 'Leader',
    gis_editor: 'GIS editor', dr_operator: 'DR operator', admin: 'Administrator',
  },
  tabs: { cases: 'Cases', layers: 'Layers' },
  queues: {
    pending_accept: 'To accept', pending_verify: 'To verify', pending_register: 'To register', pending_dispatch: 'To dispatch', handling: 'Handling',
    return_requested: 'Return requests', pending_check: 'To check', pending_close: 'To close', closed: 'Closed', overdue: 'Overdue', suspended: 'Suspended', all: 'All',
  },
  state: {
    pending_accept: 'To accept', pending_verify: 'To verify', pending_register: 'To register', pending_dispatch: 'To dispatch', handling: 'Handling',
    return_requested: 'Return requested', pending_check: 'To check', pending_close: 'To close', suspended: 'Suspended', closed: 'Closed', voided: 'Void',
  },
  action: {
    accept: 'Accept', sendVerify: 'Send to verify', verify: 'Verify', register: 'Register', void: 'Void', merge: 'Merge', selfHandle: 'Fixed on site',
    dispatch: 'Dispatch', subDispatch: 'Pass down', subReport: 'Report up', handle: 'Report handled', requestReturn: 'Ask to return', approveReturn: 'Approve return',
    refuseReturn: 'Refuse return', requestExtension: 'Ask for time', approveExtension: 'Approve extension', refuseExtension: 'Refuse extension', suspend: 'Suspend',
    resume: 'Resume', urge: 'Urge', check: 'Check', close: 'Close', rework: 'Rework', intake: 'Taken in',
  },
  cases: {
    search: 'Search case text, address, case number', newCase: 'New case (N)', none: 'No cases', total: '{{n}} cases', more: 'More',
    filterClass: 'Class', filterChannel: 'Channel', filterStreet: 'Street', onlyOverdue: 'Overdue only', any: 'All', keys: '↑↓ select · Enter open · N new',
    due: 'Due', left: 'Left', overdue: 'Overdue', overdue3x: 'Overdue 3×', noClock: '—', stage: 'Stage',
    caseNo: 'Case no.', class: 'Class', channel: 'Channel', place: 'Place', grid: 'Grid cell', reporter: 'Reporter', phone: 'Phone', callback: 'Call back',
    dept: 'Department', assignee: 'Held by', component: 'Component', description: 'Description', created: 'Taken in', history: 'History',
    photos: 'Photos', actions: 'Actions', counts: 'Rework {{rework}} · Extensions {{ext}} · Returns {{ret}} · Urged {{urge}}', yes: 'Yes', no: 'No',
    reason: 'Reason', result: 'Result', passed: 'Check passed', failed: 'Check failed (rework)', extension: 'Extension', value: 'Value', unit: 'Unit',
    target: 'Department', suggested: ' (routing suggestion)', submit: 'OK', cancel: 'Cancel', mergeInto: 'Merge into', duplicates: 'Possible duplicates (same class within {{r}} m, {{h}} h)',
    mergeHere: 'Merge into this', noDuplicates: 'No possible duplicates', addPhoto: 'Add photo', extensionPending: 'Extension requested: {{v}} {{u}}', closeType: 'Close type',
    from: 'From', to: 'To',
    close_normal: 'Closed', close_overdue: 'Closed late', close_self: 'Fixed on site', selected: 'Selected case', locate: 'Show on map',
  },
  intake: {
    title: 'New case', channel: 'Channel', kind: 'Type', event: 'Event', component: 'Component', class: 'Class', componentCode: 'Component code',
    pickOnMap: 'Pick the place on the map', picking: 'Click the place on the map…', address: 'Address', callerName: 'Caller', callerPhone: 'Caller phone',
    callback: 'Call back', description: 'Description', photo: 'Photo', submit: 'Register (Ctrl+Enter)', cancel: 'Cancel', located: 'Located: {{cell}}',
    selfHandled: 'Fixed on site (supervisor)', needLocation: 'Pick a place on the map, or give an address or a component code',
  },
  alerts: { title: 'Overdue alerts', none: 'No open alerts', ack: 'Acknowledge all', count: 'Alerts {{n}}', sms: 'SMS outbox', smsEmpty: 'Outbox is empty', retry: 'Retry',
    smsStatus: { queued: 'Queued', sent: 'Sent', logged: 'Logged', failed: 'Failed' }, to: 'To', body: 'Text', attempts: 'Attempts', at: 'Time' },
  stage: { accept: 'accept', verify: 'verify', register: 'register', dispatch: 'dispatch', handle: 'handle', check: 'check', close: 'close' },
  dr: {
    title: 'Off-site disaster recovery', open: 'DR', notConfigured: 'No off-site replica is configured (an administrator sets one in Settings, or serve runs with --replica).',
    replica: 'Replica', state: 'State', mode: 'Mode', sync: 'Synchronous (RPO = 0)', async: 'Asynchronous', acked: 'Acknowledged / local sequence', lag: 'Lag',
    lagValue: '{{n}} changes · {{s}} s', lastSnapshot: 'Last snapshot', store: 'Replica store', lastError: 'Last error', lagChart: 'Lag over the last hour (changes)',
    noHistory: 'Collecting (one point every 5 s)', verify: 'Verify replica', drill: 'Restore drill', drilling: 'Drilling…', snapshot: 'Snapshot now', standby: 'View warm standby',
    verifyOk: 'Verified: {{snaps}} snapshots, {{segs}} segments, up to sequence {{last}}; checksums and hash chain intact', verifyBad: 'Verify failed: {{file}} (sequence {{seq}}): {{problem}}',
    standbyTitle: 'Warm standby (read-only, applied to sequence {{seq}})', drills: 'Drill history', result: 'Result', seq: 'Sequence', duration: 'Duration', detail: 'Detail', pass: 'Pass', fail: 'Fail', tables: 'tables compared',
    states: { ok: 'OK', catching_up: 'Catching up', degraded: 'Degraded to async', disconnected: 'Disconnected', off: 'Not configured' },
    status: 'DR: {{state}}', statusLag: 'DR: {{state}}, lag {{n}}',
    configTitle: 'Off-site replica', target: 'Replica (URL or shared folder)', token: 'Replica token', saveReplication: 'Save replication', off: 'Off',
  },
  units: { urgent_hour: 'urgent h', work_hour: 'working h', work_day: 'working days', natural_day: 'days' },
};
