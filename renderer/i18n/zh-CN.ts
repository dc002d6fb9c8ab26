/** Chinese UI strings (default language). */
export const zhCN = {
  app: { title: '数字化城管监督指挥中心', short: 'CityOps' },
  layers: {
    title: '图层', grid: '单元网格', boundaries: '街道/社区边界', components: '部件', all: '全部', none: '全不选',
    legend: '图例', count: '{{count}} 个', base: '底图',
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
  queue: { title: '案件队列', soon: '案件受理与派遣在此显示' },
};
