/**
 * Japanese family and given names, each with its katakana reading and a Hepburn romanisation for
 * e-mail handles. Given names carry the generation they are typical of, so a customer born in
 * 1950 is not called 陽翔.
 */

export interface NameReading {
  readonly kanji: string;
  readonly kana: string;
  readonly romaji: string;
}

export type Era = 'old' | 'mid' | 'young' | 'any';

export interface GivenName extends NameReading {
  readonly gender: 'male' | 'female';
  readonly era: Era;
}

function readings(list: string): NameReading[] {
  return list.split(' ').map((entry) => {
    const [kanji = '', kana = '', romaji = ''] = entry.split('/');
    return { kanji, kana, romaji };
  });
}

function given(gender: 'male' | 'female', era: Era, list: string): GivenName[] {
  return readings(list).map((r) => ({ ...r, gender, era }));
}

export const FAMILY_NAMES: readonly NameReading[] = readings(
  '佐藤/サトウ/sato 鈴木/スズキ/suzuki 高橋/タカハシ/takahashi 田中/タナカ/tanaka 伊藤/イトウ/ito ' +
    '渡辺/ワタナベ/watanabe 山本/ヤマモト/yamamoto 中村/ナカムラ/nakamura 小林/コバヤシ/kobayashi ' +
    '加藤/カトウ/kato 吉田/ヨシダ/yoshida 山田/ヤマダ/yamada 佐々木/ササキ/sasaki 山口/ヤマグチ/yamaguchi ' +
    '松本/マツモト/matsumoto 井上/イノウエ/inoue 木村/キムラ/kimura 林/ハヤシ/hayashi 斎藤/サイトウ/saito ' +
    '清水/シミズ/shimizu 山崎/ヤマザキ/yamazaki 森/モリ/mori 池田/イケダ/ikeda 橋本/ハシモト/hashimoto ' +
    '阿部/アベ/abe 石川/イシカワ/ishikawa 山下/ヤマシタ/yamashita 中島/ナカジマ/nakajima 石井/イシイ/ishii ' +
    '小川/オガワ/ogawa 前田/マエダ/maeda 岡田/オカダ/okada 長谷川/ハセガワ/hasegawa 藤田/フジタ/fujita ' +
    '後藤/ゴトウ/goto 近藤/コンドウ/kondo 村上/ムラカミ/murakami 遠藤/エンドウ/endo 青木/アオキ/aoki ' +
    '坂本/サカモト/sakamoto 福田/フクダ/fukuda 太田/オオタ/ota 西村/ニシムラ/nishimura 藤井/フジイ/fujii ' +
    '金子/カネコ/kaneko 岡本/オカモト/okamoto 藤原/フジワラ/fujiwara 中野/ナカノ/nakano 三浦/ミウラ/miura ' +
    '原田/ハラダ/harada 松田/マツダ/matsuda 竹内/タケウチ/takeuchi 上田/ウエダ/ueda 野口/ノグチ/noguchi ' +
    '菅原/スガワラ/sugawara 比嘉/ヒガ/higa 新垣/アラカキ/arakaki 大塚/オオツカ/otsuka 千葉/チバ/chiba',
);

export const GIVEN_NAMES: readonly GivenName[] = [
  ...given('male', 'old', '清/キヨシ/kiyoshi 茂/シゲル/shigeru 勝/マサル/masaru 正男/マサオ/masao 博/ヒロシ/hiroshi 修/オサム/osamu 勇/イサム/isamu'),
  ...given('male', 'mid', '誠/マコト/makoto 浩二/コウジ/koji 隆/タカシ/takashi 学/マナブ/manabu 健一/ケンイチ/kenichi 直樹/ナオキ/naoki 哲也/テツヤ/tetsuya 達也/タツヤ/tatsuya 雄一/ユウイチ/yuichi 大輔/ダイスケ/daisuke'),
  ...given('male', 'young', '翔太/ショウタ/shota 拓也/タクヤ/takuya 健太/ケンタ/kenta 蓮/レン/ren 悠真/ユウマ/yuma 大翔/ヒロト/hiroto 陽斗/ハルト/haruto 湊/ミナト/minato 颯太/ソウタ/sota 優斗/ユウト/yuto'),
  ...given('male', 'any', '太郎/タロウ/taro 一郎/イチロウ/ichiro 和也/カズヤ/kazuya 亮/リョウ/ryo'),
  ...given('female', 'old', '和子/カズコ/kazuko 節子/セツコ/setsuko 幸子/サチコ/sachiko 恵子/ケイコ/keiko 洋子/ヨウコ/yoko 美代子/ミヨコ/miyoko'),
  ...given('female', 'mid', '由美/ユミ/yumi 真由美/マユミ/mayumi 久美子/クミコ/kumiko 直美/ナオミ/naomi 明美/アケミ/akemi 智子/トモコ/tomoko 裕子/ユウコ/yuko 美穂/ミホ/miho 沙織/サオリ/saori'),
  ...given('female', 'young', '美咲/ミサキ/misaki 結衣/ユイ/yui 陽菜/ヒナ/hina 葵/アオイ/aoi 凛/リン/rin 結菜/ユイナ/yuina 芽依/メイ/mei 七海/ナナミ/nanami 麻衣/マイ/mai'),
  ...given('female', 'any', '花子/ハナコ/hanako 愛/アイ/ai 彩/アヤ/aya 千尋/チヒロ/chihiro 春香/ハルカ/haruka さくら/サクラ/sakura'),
];

/** Given names plausible for someone born in `year`. */
export function givenNamesFor(year: number): GivenName[] {
  const era: Era = year < 1963 ? 'old' : year < 1988 ? 'mid' : 'young';
  return GIVEN_NAMES.filter((g) => g.era === era || g.era === 'any');
}

/** Handles people pick when they do not use their name, joined with digits or a word. */
export const HANDLE_WORDS: readonly string[] = [
  'sora', 'umi', 'hoshi', 'neko', 'inu', 'momo', 'sakura', 'blue', 'green', 'lucky', 'happy', 'coffee',
  'tea', 'moon', 'sun', 'river', 'maple', 'kumo', 'runner', 'guitar', 'camera', 'ramen',
];

/** Only `example` domains, so no generated address can belong to a real mailbox. */
export const EMAIL_DOMAINS: ReadonlyArray<readonly [string, number]> = [
  ['example.co.jp', 20],
  ['example.ne.jp', 18],
  ['example.com', 22],
  ['example.jp', 8],
  ['docomo.example.jp', 10],
  ['ezweb.example.ne.jp', 6],
  ['softbank.example.ne.jp', 6],
  ['mail.example.org', 5],
  ['icloud.example.com', 5],
];
