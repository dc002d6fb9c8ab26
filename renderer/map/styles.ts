// Colours of the six component major classes (部件大类) and the street palette.

/** Colour per major class code. */
export const MAJOR_COLORS: Record<string, string> = {
  '01': '#e8590c', // 公用设施
  '02': '#1c7ed6', // 道路交通
  '03': '#ae3ec9', // 市容环境
  '04': '#2f9e44', // 园林绿化
  '05': '#a0522d', // 房屋土地
  '06': '#495057', // 其他设施
};
/** Fallback colour for extension classes. */
export const OTHER_COLOR = '#868e96';

/** Light fills for streets (cells are tinted by the street they belong to). */
export const STREET_FILLS = [
  'rgba(255, 224, 178, 0.45)',
  'rgba(200, 230, 201, 0.45)',
  'rgba(187, 222, 251, 0.45)',
  'rgba(248, 187, 208, 0.40)',
  'rgba(225, 190, 231, 0.45)',
  'rgba(255, 249, 196, 0.55)',
  'rgba(178, 235, 242, 0.45)',
  'rgba(215, 204, 200, 0.50)',
  'rgba(220, 237, 200, 0.50)',
  'rgba(207, 216, 220, 0.55)',
];
