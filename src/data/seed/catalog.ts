/**
 * What the demo retailer sells and where: products by category with a price band in yen, and
 * stores by region. Feedback texts draw from the same lists, so a complaint names a real product.
 */
import type { Region } from './places.js';

export interface Product {
  readonly name: string;
  readonly category: string;
  /** Price band in yen, inclusive. */
  readonly price: readonly [number, number];
}

function products(category: string, list: ReadonlyArray<readonly [string, number, number]>): Product[] {
  return list.map(([name, lo, hi]) => ({ name, category, price: [lo, hi] as const }));
}

export const PRODUCTS: readonly Product[] = [
  ...products('家電', [
    ['ワイヤレスイヤホン', 3980, 19800], ['電気ケトル', 2480, 7980], ['ヘアドライヤー', 2980, 24800],
    ['空気清浄機', 12800, 49800], ['ロボット掃除機', 19800, 79800], ['IH炊飯器', 9800, 54800],
    ['電子レンジ', 9980, 39800], ['加湿器', 4980, 16800], ['モバイルバッテリー', 1980, 5980],
  ]),
  ...products('食品', [
    ['新潟県産コシヒカリ 5kg', 2980, 4280], ['ドリップコーヒー 30袋', 980, 1980], ['国産緑茶ティーバッグ', 398, 980],
    ['冷凍手づくり餃子 30個', 798, 1480], ['北海道産じゃがいも 3kg', 880, 1580], ['プレミアムカレールウ', 298, 598],
    ['おせち料理 三段重', 16800, 32400], ['ミネラルウォーター 2L×6本', 498, 898],
  ]),
  ...products('日用品', [
    ['柔軟剤 詰め替え用', 398, 798], ['トイレットペーパー 12ロール', 498, 898], ['食器用洗剤', 158, 398],
    ['ボックスティッシュ 5箱', 298, 598], ['除菌ウェットシート', 198, 498], ['衣類用洗剤 ジェルボール', 598, 1280],
  ]),
  ...products('衣料', [
    ['ヒートインナー', 990, 1990], ['綿100%パジャマ', 1990, 4990], ['ライトダウンジャケット', 4990, 12900],
    ['ストレッチジーンズ', 2990, 5990], ['スニーカー', 3990, 9990], ['ウールセーター', 2990, 7990],
  ]),
  ...products('化粧品', [
    ['保湿化粧水', 980, 4800], ['日焼け止めジェル', 780, 2480], ['薬用ハンドクリーム', 480, 1280],
    ['オールインワンジェル', 1480, 3980], ['クレンジングオイル', 980, 2980],
  ]),
  ...products('インテリア', [
    ['折りたたみデスク', 3990, 12900], ['羽毛布団', 9990, 39800], ['遮光カーテン', 1990, 6990],
    ['収納ボックス 3個組', 990, 2990], ['LEDシーリングライト', 4980, 14800],
  ]),
  ...products('ベビー・キッズ', [
    ['紙おむつ Mサイズ', 1280, 2480], ['ベビーカー', 19800, 59800], ['学習机', 29800, 69800],
  ]),
];

export const ONLINE_STORES: readonly string[] = ['オンラインストア', '公式アプリ'];

export const STORES: Readonly<Record<Region, readonly string[]>> = {
  east: ['新宿店', '池袋店', '渋谷店', '横浜西口店', '大宮店', '千葉店', '札幌店', '仙台店', '名古屋栄店', '静岡店', '新潟店'],
  west: ['梅田店', '難波店', '京都四条店', '神戸三宮店', '天王寺店', '広島店', '岡山店', '高松店', '博多店', '天神店', '熊本店', '那覇店'],
};
