/**
 * Words that sit before an honorific without being a person's name (店員さん, 郵便局さん, 猫ちゃん),
 * for the NAME pattern in pii-person.ts.
 */
// Words before an honorific that name a role, a relative or a crowd rather than a person: a run
// ending in one of these is not a name. Kept to words no common surname ends with (井上 ends in 上,
// 本多 in 多, 花子 in 子: those are stopped only as whole runs, below).
export const ROLE_ENDINGS: readonly string[] = [
  '員', '者', '師', '客', '屋', '長', '主', '嬢', '姫', '神', '仏', '皆', '殿', '仕', '同', '隣', '官', '士', '係',
  '先生', '学生', '生徒', '主人', '息子', '娘', '旦那', '両親', '家族', '母', '父', '兄', '姉', '弟', '妹', '孫', '嫁', '婿',
  '友達', '友人', '知人', '運転手', '相手', '担当', '先方', '奥方', '職人', '常連', '先輩', '後輩', '同僚', '上司', '部下',
  '女性', '男性', '外国人', '年配', '高齢', '新人', '本人', '大家', '大工', '農家', '一般', '作家', '住人', '素人',
  'スタッフ', 'ドライバー', 'パート', 'バイト', 'オペレーター', 'オペレータ', 'クルー', 'キャスト', 'ママ', 'パパ',
  'ガイド', 'コンシェルジュ', 'サポート', 'メーカー', 'ショップ', 'ユーザー', 'ゲスト', 'メンバー', 'マネージャー',
  'トレーナー', 'セラピスト', 'ペット', 'サンタ', 'ファン', 'プロ', 'ヘルパー', 'デザイナー', 'カメラマン', 'チーム',
  // Companies and offices people thank or blame with さん: 郵便局さん, 運送会社さん, 佐川急便さん, 本社さん.
  '局', '社', '店', '便', '運輸', '通運', '銀行', '院', '署', '庁', '省', '事務所', '役所', '営業所', '研究所', '本部',
  '支部', '工場', '売り場', '売場', '市場', '倉庫', 'センター', 'ストア', 'マート', 'モール', 'グループ',
  // Children and pets: 子供さん, 猫ちゃん, ワンちゃん; 彼女さん.
  '彼女', '子供', '子ども', 'ワン', 'ニャン', 'ワンコ', 'ネコ', 'イヌ',
];
export const WHOLE_WORDS: ReadonlySet<string> = new Set([
  '上', '多', '異', '模', '各', '貴', '一', '今', '奥', '子', '王', '今日', '皆々', '諸', '不明', '未定', '非公開', '匿名',
  '無記名', '未記入', '空欄', '本名', '仮名', '別', '同じ', '漢字', '変更', '人', '赤', '猫', '犬', '彼', '御', '不在',
  // 様 closing a word: 有様, 文様, 左様, 如何様.
  '有', '文', '紋', '左', '如何',
  // The carriers and marketplaces customers call by name with さん (ヤマトさん, アマゾンさん).
  'ヤマト', 'クロネコ', 'アマゾン', '楽天', 'メルカリ',
]);
