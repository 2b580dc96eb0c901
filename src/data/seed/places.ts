/**
 * The 47 prefectures in JIS X 0401 order with what a plausible address needs: population weight,
 * postal-code range, landline area code and real city/ward names. Region decides the support team.
 */

export type Region = 'east' | 'west';

export interface Prefecture {
  readonly code: number;
  readonly name: string;
  readonly region: Region;
  /** Population in units of 10,000, as relative weight for picking a customer's home. */
  readonly weight: number;
  /** First three postal digits, inclusive range. */
  readonly postal: readonly [number, number];
  /** Landline area code with its leading 0 (03, 045, 0776 …). */
  readonly areaCode: string;
  readonly cities: readonly string[];
}

function pref(
  code: number,
  name: string,
  region: Region,
  weight: number,
  postal: readonly [number, number],
  areaCode: string,
  cities: string,
): Prefecture {
  return { code, name, region, weight, postal, areaCode, cities: cities.split(' ') };
}

// East = Hokkaido, Tohoku, Kanto, Chubu and Mie (Tokai); west = Kinki, Chugoku, Shikoku, Kyushu, Okinawa.
export const PREFECTURES: readonly Prefecture[] = [
  pref(1, '北海道', 'east', 510, [40, 99], '011', '札幌市中央区 札幌市北区 札幌市豊平区 旭川市 函館市 釧路市 帯広市 小樽市'),
  pref(2, '青森県', 'east', 120, [30, 39], '017', '青森市 弘前市 八戸市'),
  pref(3, '岩手県', 'east', 118, [20, 29], '019', '盛岡市 一関市 奥州市'),
  pref(4, '宮城県', 'east', 228, [980, 989], '022', '仙台市青葉区 仙台市泉区 石巻市 名取市'),
  pref(5, '秋田県', 'east', 93, [10, 19], '018', '秋田市 横手市 大仙市'),
  pref(6, '山形県', 'east', 104, [990, 999], '023', '山形市 鶴岡市 酒田市'),
  pref(7, '福島県', 'east', 179, [960, 979], '024', '福島市 郡山市 いわき市 会津若松市'),
  pref(8, '茨城県', 'east', 284, [300, 319], '029', '水戸市 つくば市 日立市 土浦市'),
  pref(9, '栃木県', 'east', 191, [320, 329], '028', '宇都宮市 小山市 足利市'),
  pref(10, '群馬県', 'east', 191, [370, 379], '027', '前橋市 高崎市 太田市'),
  pref(11, '埼玉県', 'east', 734, [330, 369], '048', 'さいたま市浦和区 さいたま市大宮区 川口市 川越市 所沢市 越谷市 草加市'),
  pref(12, '千葉県', 'east', 628, [260, 299], '043', '千葉市中央区 船橋市 松戸市 市川市 柏市 浦安市'),
  pref(13, '東京都', 'east', 1404, [100, 208], '03', '新宿区 渋谷区 世田谷区 練馬区 杉並区 大田区 江東区 足立区 品川区 中野区 板橋区 八王子市 町田市 府中市 調布市 武蔵野市'),
  pref(14, '神奈川県', 'east', 923, [210, 259], '045', '横浜市港北区 横浜市青葉区 横浜市中区 川崎市中原区 川崎市高津区 相模原市中央区 藤沢市 横須賀市 鎌倉市'),
  pref(15, '新潟県', 'east', 213, [940, 959], '025', '新潟市中央区 長岡市 上越市'),
  pref(16, '富山県', 'east', 102, [930, 939], '076', '富山市 高岡市'),
  pref(17, '石川県', 'east', 111, [920, 929], '076', '金沢市 白山市 小松市'),
  pref(18, '福井県', 'east', 75, [910, 919], '0776', '福井市 敦賀市 坂井市'),
  pref(19, '山梨県', 'east', 80, [400, 409], '055', '甲府市 富士吉田市 甲斐市'),
  pref(20, '長野県', 'east', 201, [380, 399], '026', '長野市 松本市 上田市'),
  pref(21, '岐阜県', 'east', 194, [500, 509], '058', '岐阜市 大垣市 各務原市'),
  pref(22, '静岡県', 'east', 355, [410, 439], '054', '静岡市葵区 浜松市中央区 沼津市 富士市'),
  pref(23, '愛知県', 'east', 748, [440, 498], '052', '名古屋市中区 名古屋市千種区 名古屋市緑区 豊田市 岡崎市 一宮市 豊橋市 春日井市'),
  pref(24, '三重県', 'east', 174, [510, 519], '059', '津市 四日市市 鈴鹿市 伊勢市'),
  pref(25, '滋賀県', 'west', 140, [520, 529], '077', '大津市 草津市 彦根市'),
  pref(26, '京都府', 'west', 254, [600, 629], '075', '京都市中京区 京都市左京区 京都市伏見区 宇治市 亀岡市'),
  pref(27, '大阪府', 'west', 877, [530, 599], '06', '大阪市北区 大阪市中央区 大阪市天王寺区 大阪市淀川区 堺市堺区 豊中市 吹田市 東大阪市 枚方市 高槻市'),
  pref(28, '兵庫県', 'west', 537, [650, 679], '078', '神戸市中央区 神戸市東灘区 姫路市 西宮市 尼崎市 明石市'),
  pref(29, '奈良県', 'west', 130, [630, 639], '0742', '奈良市 橿原市 生駒市'),
  pref(30, '和歌山県', 'west', 90, [640, 649], '073', '和歌山市 田辺市'),
  pref(31, '鳥取県', 'west', 54, [680, 689], '0857', '鳥取市 米子市'),
  pref(32, '島根県', 'west', 65, [690, 699], '0852', '松江市 出雲市'),
  pref(33, '岡山県', 'west', 186, [700, 719], '086', '岡山市北区 倉敷市 津山市'),
  pref(34, '広島県', 'west', 276, [720, 739], '082', '広島市中区 広島市南区 福山市 呉市 東広島市'),
  pref(35, '山口県', 'west', 131, [740, 759], '083', '山口市 下関市 宇部市 周南市'),
  pref(36, '徳島県', 'west', 70, [770, 779], '088', '徳島市 阿南市'),
  pref(37, '香川県', 'west', 94, [760, 769], '087', '高松市 丸亀市'),
  pref(38, '愛媛県', 'west', 131, [790, 799], '089', '松山市 今治市 新居浜市'),
  pref(39, '高知県', 'west', 68, [780, 789], '088', '高知市 南国市'),
  pref(40, '福岡県', 'west', 510, [800, 839], '092', '福岡市博多区 福岡市中央区 福岡市早良区 北九州市小倉北区 久留米市 春日市'),
  pref(41, '佐賀県', 'west', 80, [840, 849], '0952', '佐賀市 唐津市 鳥栖市'),
  pref(42, '長崎県', 'west', 128, [850, 859], '095', '長崎市 佐世保市 諫早市'),
  pref(43, '熊本県', 'west', 172, [860, 869], '096', '熊本市中央区 熊本市東区 八代市'),
  pref(44, '大分県', 'west', 111, [870, 879], '097', '大分市 別府市 中津市'),
  pref(45, '宮崎県', 'west', 105, [880, 889], '0985', '宮崎市 都城市 延岡市'),
  pref(46, '鹿児島県', 'west', 157, [890, 899], '099', '鹿児島市 霧島市 鹿屋市'),
  pref(47, '沖縄県', 'west', 147, [900, 909], '098', '那覇市 沖縄市 浦添市 うるま市'),
];

/** Town names common all over Japan, so any of them reads naturally after any city. */
export const TOWNS: readonly string[] = [
  '本町', '中央', '栄町', '緑町', '旭町', '幸町', '東町', '西町', '南町', '北町', '大手町', '錦町',
  '新町', '元町', '松原', '宮前', '若葉', '桜台', '青葉台', '昭和町', '八幡町', '泉町', '寿町', '日吉町',
  '末広町', '朝日町', '春日', '住吉町', '白山', '駅前', '城東', '中町', '平和町', '富士見町', '弥生町', '曙町',
];

export const BUILDINGS: readonly string[] = [
  'コーポ桜', 'メゾン緑', 'グランハイツ', 'サンライズマンション', 'パークハウス', 'ハイツ若葉', 'レジデンス中央', 'シティコート',
];
