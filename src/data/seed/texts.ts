/**
 * Feedback topics written the way customers write to a Japanese retailer. Slots in braces are
 * filled per item: {product} (or {appliance}, {clothing} where only those fit) {category} {store}
 * {date} {days} {points} {order} {amount}.
 * `mood` drives the rating and so the sentiment; `sns` lines are the casual voice of a post.
 */

export const TAGS = [
  '配送', '品質', '接客', 'アプリ', '返品', '交換', 'ポイント', '価格', '在庫', '店舗', '決済', '会員', '要望', '問い合わせ',
] as const;
export type Tag = (typeof TAGS)[number];

export type Mood = 'neg' | 'pos' | 'ask' | 'mixed';

export interface Topic {
  readonly tags: readonly Tag[];
  readonly mood: Mood;
  /** Relative frequency among all feedback. */
  readonly weight: number;
  readonly subjects: readonly string[];
  readonly bodies: readonly string[];
  readonly sns: readonly string[];
  /** What an agent writes after handling it. */
  readonly notes: readonly string[];
}

export const TOPICS: readonly Topic[] = [
  {
    tags: ['配送'], mood: 'neg', weight: 12,
    subjects: ['商品が届きません', '配送遅延について', '注文した商品の配送状況'],
    bodies: [
      '{date}に注文した{product}がまだ届きません。お届け予定日を{days}日過ぎています。',
      '注文番号{order}の{product}ですが、予定日を過ぎても発送のご連絡がありません。いつ届くのでしょうか。',
      'お届け日時を指定していたのに、当日は何の連絡もなく届きませんでした。一日家で待っていたのに残念です。',
      '配送予定日が{days}回も変更されています。{product}はプレゼント用なので間に合わないと困ります。',
    ],
    sns: ['{date}に頼んだ{product}まだ来ない…もう{days}日遅れてる', '配達指定した日に来ないの何回目だろう'],
    notes: ['配送業者に確認済み。再配達を手配。', '倉庫の出荷遅延。お詫びのうえ送料返金。'],
  },
  {
    tags: ['配送', '品質'], mood: 'neg', weight: 6,
    subjects: ['届いた商品が破損していました', '商品破損の件'],
    bodies: [
      '本日届いた{product}の箱が潰れていて、中身も破損していました。交換をお願いできますか。',
      '{appliance}を開封したところ、部品が一つ足りませんでした。写真も撮ってあります。',
      '梱包が簡易すぎて、{product}に傷がついた状態で届きました。',
    ],
    sns: ['届いた{product}、箱ボロボロで中身も割れてた', '開けたら{product}に傷…梱包もうちょっと何とかして'],
    notes: ['代替品を発送済み。破損品は回収手配。', '写真確認済み、物流センターへ共有。'],
  },
  {
    tags: ['品質'], mood: 'neg', weight: 8,
    subjects: ['商品の不具合について', '初期不良ではないでしょうか'],
    bodies: [
      '{date}に{store}で購入した{appliance}が、使い始めて{days}日で動かなくなりました。初期不良ではないでしょうか。',
      '{product}を購入しましたが、説明と品質がかなり違いました。この価格でこの品質は残念です。',
      '{clothing}を一度洗濯しただけで色落ちしてしまいました。',
    ],
    sns: ['{appliance}、{days}日で壊れた。さすがに早すぎない？', '{product}の品質落ちた気がする'],
    notes: ['メーカー保証で交換対応。', '品質管理部門へ報告済み（同ロットで類似報告あり）。'],
  },
  {
    tags: ['接客', '店舗'], mood: 'neg', weight: 7,
    subjects: ['店員の対応について', '{store}での接客について'],
    bodies: [
      '{store}のレジの方の態度がとても冷たく、質問しても面倒そうにされました。',
      '{store}で{product}の売り場を聞いたら「わかりません」の一言だけで、探す気もない様子でした。',
      '{date}に{store}を利用しました。レジが一台しか開いておらず、30分近く並びました。',
    ],
    sns: ['{store}の店員さん感じ悪かった…', '{store}のレジ行列すごい、もっとレジ開けて'],
    notes: ['店長へ共有し、朝礼で接客指導を実施。', '{store}のシフト体制を見直し予定。'],
  },
  {
    tags: ['接客', '店舗'], mood: 'pos', weight: 6,
    subjects: ['スタッフの方へのお礼', '丁寧な対応ありがとうございました'],
    bodies: [
      '{store}のスタッフの方が{product}について丁寧に説明してくださり、安心して購入できました。',
      '{date}に{store}で子どもが迷子になった際、店員の皆さんがすぐに探してくださいました。本当にありがとうございました。',
      '{store}の売り場がとても見やすくなり、買い物しやすくなりました。',
    ],
    sns: ['{store}の店員さんめちゃくちゃ親切だった', '{store}リニューアルして見やすくなってる！'],
    notes: ['{store}へ共有し、本人へ伝達済み。'],
  },
  {
    tags: ['アプリ'], mood: 'neg', weight: 8,
    subjects: ['アプリにログインできません', 'アプリの不具合', '決済エラーについて'],
    bodies: [
      'アプリを最新版に更新してからログインできなくなりました。パスワードを再設定しても同じです。',
      'アプリで{product}をカートに入れて購入ボタンを押すとエラーになり、注文できません。',
      'アプリの会員証画面が真っ白になり、レジでポイントが使えませんでした。',
      'アプリの通知が1日に何回も来ます。設定でオフにしても止まりません。',
    ],
    sns: ['アプリ更新したらログインできなくなった', 'アプリ落ちすぎ、レジで会員証出せなかった'],
    notes: ['開発チームへエスカレーション済み（v4.2で修正予定）。', 'キャッシュ削除の手順を案内し解消。'],
  },
  {
    tags: ['アプリ', '要望'], mood: 'mixed', weight: 4,
    subjects: ['アプリへの要望', '機能追加のお願い'],
    bodies: [
      'アプリにお気に入り商品の並び替え機能があると嬉しいです。',
      'アプリでも店舗の在庫が確認できるようにしてほしいです。{store}まで行って売り切れだったことがあります。',
      '購入履歴から同じ商品をすぐ再注文できると便利だと思います。',
    ],
    sns: ['アプリで店舗在庫見られたらいいのに', 'お気に入りの並び替えほしい'],
    notes: ['要望として商品企画へ共有。'],
  },
  {
    tags: ['ポイント'], mood: 'ask', weight: 8,
    subjects: ['ポイントが付与されていません', 'ポイントについて質問'],
    bodies: [
      '{date}の購入分のポイント（{points}ポイント）がまだ付与されていません。確認をお願いします。',
      'ポイントの有効期限はいつまでですか。{points}ポイント残っているので失効しないか心配です。',
      '{store}で会員証を提示し忘れました。後からポイントを付けてもらうことはできますか。',
    ],
    sns: ['ポイント付いてない…{points}ポイント分どこ行った', 'ポイントの有効期限わかりにくい'],
    notes: ['ポイント手動付与済み（{points}pt）。', '付与は購入から{days}日後の仕様である旨を案内。'],
  },
  {
    tags: ['返品'], mood: 'ask', weight: 7,
    subjects: ['返品について', '返品方法を教えてください', '返金がまだです'],
    bodies: [
      '{clothing}をサイズ違いで返品したいのですが、手順を教えてください。',
      '{date}に返品した{product}の返金がまだ確認できません。いつ頃になりますか。',
      '{store}で購入した{product}をオンラインストア経由で返品できますか。',
    ],
    sns: ['返品の手続きわかりにくすぎる', '{product}返品したのに返金まだ'],
    notes: ['返品受付済み、返金処理を実施。', '返品手順をメールで案内。'],
  },
  {
    tags: ['交換', '返品'], mood: 'ask', weight: 4,
    subjects: ['商品交換のお願い', 'サイズ交換について'],
    bodies: [
      '{clothing}を色違いに交換していただくことは可能でしょうか。未使用です。',
      '贈答品でいただいた{clothing}のサイズが合わず、交換したいのですがレシートがありません。',
    ],
    sns: ['{clothing}のサイズ交換って店舗でもできるのかな'],
    notes: ['交換品を発送済み。'],
  },
  {
    tags: ['価格'], mood: 'mixed', weight: 5,
    subjects: ['価格について', '店舗とオンラインの価格差'],
    bodies: [
      '{store}とオンラインストアで{product}の価格が違うのはなぜでしょうか。',
      '{product}が先月より値上がりしていて驚きました。',
      'チラシの価格とレジでの金額が違っていました。{store}で{date}のことです。',
    ],
    sns: ['{product}また値上がりしてる', 'ネットと店舗で値段違うの地味に困る'],
    notes: ['差額を返金済み。価格表示の誤りを{store}へ連絡。'],
  },
  {
    tags: ['在庫'], mood: 'neg', weight: 5,
    subjects: ['在庫切れについて', '再入荷の予定'],
    bodies: [
      '{product}がずっと在庫切れです。再入荷の予定はありますか。',
      'チラシに載っていた{product}を買いに{store}へ行きましたが、開店直後なのに売り切れでした。',
    ],
    sns: ['{product}どこも売り切れ', 'チラシの{product}、朝イチで行ったのにもう無かった'],
    notes: ['入荷予定日を案内。', '取り置き対応済み。'],
  },
  {
    tags: ['品質'], mood: 'pos', weight: 8,
    subjects: ['とても良い商品でした', 'お礼'],
    bodies: [
      '{product}、とても気に入っています。家族にも好評なのでリピートします。',
      '以前買った{product}が良かったので、今回は両親にも贈りました。喜んでもらえました。',
      'この価格で{product}の品質はすばらしいと思います。{category}はいつもこちらで買っています。',
    ],
    sns: ['{product}買ってよかった、コスパ最高', 'ここの{category}ほんと優秀'],
    notes: [],
  },
  {
    tags: ['配送'], mood: 'pos', weight: 5,
    subjects: ['迅速な配送ありがとうございます'],
    bodies: ['注文した翌日に{product}が届いて助かりました。梱包も丁寧でした。', '置き配の指定がきちんと守られていて安心しました。'],
    sns: ['{product}もう届いた、早っ', '梱包丁寧で好感度上がった'],
    notes: [],
  },
  {
    tags: ['会員'], mood: 'ask', weight: 5,
    subjects: ['登録情報の変更', '住所変更のお願い', '退会について'],
    bodies: [
      '引っ越したので登録している住所と電話番号を変更したいです。',
      '登録したメールアドレスにお知らせが届きません。設定を確認していただけますか。',
      '会員を退会したいのですが、貯まっている{points}ポイントはどうなりますか。',
    ],
    sns: ['会員情報の変更ってどこからやるの'],
    notes: ['会員情報を変更済み（本人確認済み）。', '退会手続きを案内。'],
  },
  {
    tags: ['決済'], mood: 'neg', weight: 4,
    subjects: ['二重請求について', '支払いについて'],
    bodies: [
      '{date}の注文（注文番号{order}）でクレジットカードに二重に請求されています。',
      'コンビニ払いを選んだのに払込票が届きません。',
      'キャンセルした{product}の代金{amount}円がまだ返金されていません。',
    ],
    sns: ['二重請求されてるんだけど…'],
    notes: ['決済代行会社に確認、重複分は取消済み。', '経理へ返金依頼済み。'],
  },
  {
    tags: ['要望', '店舗'], mood: 'mixed', weight: 4,
    subjects: ['ご要望', '営業時間について'],
    bodies: [
      '{store}の営業時間をもう少し延ばしてほしいです。仕事帰りだと間に合いません。',
      '{category}の品揃えをもう少し増やしていただけると嬉しいです。',
      '{store}の駐車場が狭く、週末は停められないことが多いです。',
    ],
    sns: ['{store}、もう少し遅くまで開いてたらなあ', '{category}コーナー広げてほしい'],
    notes: ['店舗運営部へ要望として共有。'],
  },
  {
    tags: ['問い合わせ'], mood: 'neg', weight: 4,
    subjects: ['電話がつながりません', '問い合わせの返信がありません'],
    bodies: [
      'カスタマーセンターに何度電話してもつながりません。{days}日続けてかけています。',
      '{date}にフォームから問い合わせましたが、まだ返信がありません。',
    ],
    sns: ['サポート窓口、電話全然つながらない'],
    notes: ['返信漏れを確認、お詫びのうえ回答。'],
  },
  {
    tags: ['問い合わせ', '接客'], mood: 'pos', weight: 3,
    subjects: ['サポートの方へお礼'],
    bodies: ['チャットで問い合わせたところ、担当の方がすぐに解決してくださいました。', '電話窓口の方の説明がとても分かりやすかったです。'],
    sns: ['サポートの対応早くて神だった'],
    notes: [],
  },
];

/** How each channel opens and closes a message; PHONE and STORE are written down by staff. */
export const OPENERS: Readonly<Record<string, readonly string[]>> = {
  EMAIL: ['お世話になっております。', 'いつも利用させていただいております。', '突然のご連絡失礼いたします。', ''],
  WEB: ['', '', 'お問い合わせフォームから失礼します。', '会員です。'],
  PHONE: ['お客様より入電。', '【入電】', '受電内容：'],
  SNS: ['', '', '@koe_official '],
  STORE: ['店頭でのご意見：', 'お客様より口頭で（店舗スタッフ記入）：', ''],
  SURVEY: ['【アンケート自由記述】', '', ''],
};

export const CLOSERS: Readonly<Record<Mood, readonly string[]>> = {
  neg: ['早急に対応をお願いします。', '正直がっかりしました。', '改善を期待しています。', 'ご確認ください。', ''],
  pos: ['これからも利用します。', 'ありがとうございました。', '', ''],
  ask: ['ご回答よろしくお願いします。', '教えていただけると助かります。', 'よろしくお願いいたします。', ''],
  mixed: ['ご検討ください。', 'よろしくお願いします。', ''],
};

/** Notes for a resolved ticket whose topic has none of its own. */
export const RESOLVED_NOTES: readonly string[] = ['メールにて回答済み。', 'お客様了承済み。', 'お礼の返信済み。', '関係部署へ共有済み。'];

/** Notes for a ticket still being worked on, whatever its topic. */
export const PENDING_NOTES: readonly string[] = ['担当者へ引き継ぎ。', '社内確認中。', '折り返し待ち。', '不在のため再度架電予定。'];
