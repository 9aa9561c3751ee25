//! The checkout's words in English, Thai, Japanese and Simplified Chinese. Every sentence a
//! customer reads lives here (the widget's, and the first view a merchant server renders with
//! [`crate::first_view`]); `{}` in a template is filled with [`fill`].

use crate::method::SourceType;
use crate::money::{Amount, Currency};
use crate::platform::InAppBrowser;

/// Sentences in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Texts {
    /// BCP 47 tag for the `lang` attribute.
    pub lang: &'static str,
    /// Heading of the method list: `{}` is the amount, at the start or the end (the checkout
    /// shows the amount above the words, which must read as one line without it).
    pub choose: &'static str,
    /// Accessible name of the method list.
    pub methods_label: &'static str,
    /// While the source and charge are being created: `{}` is the method.
    pub preparing: &'static str,
    /// While the browser leaves for the authorize page.
    pub redirecting: &'static str,
    /// While waiting for a QR payment: `{}` is the app it is paid with ([`qr_app`]).
    pub waiting_qr: &'static str,
    /// Under the QR: `{}` is the app it is paid with ([`qr_app`]).
    pub qr_instructions: &'static str,
    /// The app a bank's QR (PromptPay, PayNow) is paid with.
    pub banking_app: &'static str,
    /// The app a wallet's own QR (TrueMoney QR) is paid with: `{}` is the wallet.
    pub wallet_app: &'static str,
    /// The QR's accessible name: the first `{}` is the method's name (PromptPay, PayNow), the
    /// second the amount.
    pub qr_alt: &'static str,
    /// Beside the QR: `{}` is the merchant's name.
    pub pay_to: &'static str,
    /// The countdown's label.
    pub time_left: &'static str,
    /// Announced as the deadline nears: `{}` is a number of minutes.
    pub minutes_left: &'static str,
    /// Announced in the last minute: `{}` is a number of seconds.
    pub seconds_left: &'static str,
    /// Button on phones: save the QR as an image.
    pub save_qr: &'static str,
    /// While the customer's return is being confirmed.
    pub confirming: &'static str,
    /// After several failed status requests.
    pub reconnecting: &'static str,
    /// The charge succeeded.
    pub successful: &'static str,
    /// The charge failed: `{}` is the reason.
    pub failed: &'static str,
    /// The customer cancelled.
    pub cancelled: &'static str,
    /// The charge expired.
    pub expired: &'static str,
    /// Nothing can be offered: `{}` is the amount.
    pub unavailable: &'static str,
    /// The payment could not be started: `{}` is the reason.
    pub start_failed: &'static str,
    /// Button: start again.
    pub try_again: &'static str,
    /// Button: a new QR after expiry.
    pub new_qr: &'static str,
    /// Under the method choice: what happens after a tap.
    pub next_step: &'static str,
    /// Under the method choice in an app's own browser (LINE, Facebook...), where a payment
    /// app may not open, before [`Texts::next_step`]: `{}` is the app. Ends with what separates
    /// it from the next sentence (a space, or none after `。`).
    pub in_app: &'static str,
    /// The link that opens the page in the phone's own browser, where the app has one.
    pub open_in_browser: &'static str,
    /// The receipt's labels, after a successful payment.
    pub receipt: ReceiptLabels,
    /// Reasons, by seed failure code.
    pub reasons: Reasons,
}

impl Texts {
    /// The number of sentences in [`Texts::words`].
    pub const WORDS: usize = 41;

    /// Every sentence, in one order that [`Texts::from_words`] reads back: the widget's
    /// JavaScript builds carry English only and are handed another language's words as such a
    /// text, a sentence per line (a file per language, `paywasm-words-th.js`...), fetched only
    /// by a page that speaks it.
    pub fn words(&self) -> [&'static str; Self::WORDS] {
        [
            self.lang,
            self.choose,
            self.methods_label,
            self.preparing,
            self.redirecting,
            self.waiting_qr,
            self.qr_instructions,
            self.banking_app,
            self.wallet_app,
            self.qr_alt,
            self.pay_to,
            self.time_left,
            self.minutes_left,
            self.seconds_left,
            self.save_qr,
            self.confirming,
            self.reconnecting,
            self.successful,
            self.failed,
            self.cancelled,
            self.expired,
            self.unavailable,
            self.start_failed,
            self.try_again,
            self.new_qr,
            self.next_step,
            self.in_app,
            self.open_in_browser,
            self.receipt.amount,
            self.receipt.method,
            self.receipt.merchant,
            self.receipt.reference,
            self.receipt.date,
            self.reasons.too_late,
            self.reasons.rejected,
            self.reasons.insufficient,
            self.reasons.invalid_account,
            self.reasons.processing,
            self.reasons.network,
            self.reasons.refused,
            self.reasons.unsafe_redirect,
        ]
    }

    /// The sentences [`Texts::words`] listed, in the same order.
    pub fn from_words(words: [&'static str; Self::WORDS]) -> Self {
        let [lang, choose, methods_label, preparing, redirecting, waiting_qr, qr_instructions, banking_app, wallet_app, qr_alt, pay_to, time_left, minutes_left, seconds_left, save_qr, confirming, reconnecting, successful, failed, cancelled, expired, unavailable, start_failed, try_again, new_qr, next_step, in_app, open_in_browser, amount, method, merchant, reference, date, too_late, rejected, insufficient, invalid_account, processing, network, refused, unsafe_redirect] =
            words;
        Texts {
            lang,
            choose,
            methods_label,
            preparing,
            redirecting,
            waiting_qr,
            qr_instructions,
            banking_app,
            wallet_app,
            qr_alt,
            pay_to,
            time_left,
            minutes_left,
            seconds_left,
            save_qr,
            confirming,
            reconnecting,
            successful,
            failed,
            cancelled,
            expired,
            unavailable,
            start_failed,
            try_again,
            new_qr,
            next_step,
            in_app,
            open_in_browser,
            receipt: ReceiptLabels {
                amount,
                method,
                merchant,
                reference,
                date,
            },
            reasons: Reasons {
                too_late,
                rejected,
                insufficient,
                invalid_account,
                processing,
                network,
                refused,
                unsafe_redirect,
            },
        }
    }
}

/// The labels of the receipt's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptLabels {
    /// The amount paid.
    pub amount: &'static str,
    /// The method.
    pub method: &'static str,
    /// The merchant.
    pub merchant: &'static str,
    /// The charge's id, to quote to the shop.
    pub reference: &'static str,
    /// When it was paid.
    pub date: &'static str,
}

/// Why a payment did not go through, in words, by the seeds' failure codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reasons {
    /// `payment_expired`, `timeout`.
    pub too_late: &'static str,
    /// `payment_rejected`.
    pub rejected: &'static str,
    /// `insufficient_fund`, `insufficient_balance`.
    pub insufficient: &'static str,
    /// `invalid_account`.
    pub invalid_account: &'static str,
    /// `failed_processing` and anything unknown.
    pub processing: &'static str,
    /// A network failure.
    pub network: &'static str,
    /// A refusal or an answer not understood.
    pub refused: &'static str,
    /// An `authorize_uri` off the gateway's pages.
    pub unsafe_redirect: &'static str,
}

/// English.
pub static EN: Texts = Texts {
    lang: "en",
    choose: "Choose how to pay {}",
    methods_label: "Payment method",
    preparing: "Preparing your payment with {}…",
    redirecting: "Taking you to Alipay to approve the payment…",
    waiting_qr: "Waiting for your payment. Scan the QR code with {}.",
    qr_instructions: "Open {}, scan this QR code and confirm the payment. On a phone, save the QR code and upload it in the app.",
    banking_app: "your banking app",
    wallet_app: "the {} app",
    qr_alt: "{} QR code to pay {}",
    pay_to: "Pay to {}",
    time_left: "Time left to pay",
    minutes_left: "{} minutes left to pay.",
    seconds_left: "{} seconds left to pay.",
    save_qr: "Save QR code",
    confirming: "Confirming your payment…",
    reconnecting: "Connection lost. Reconnecting… Your payment is safe.",
    successful: "Payment successful. Thank you!",
    failed: "Payment failed: {} You can try again or choose another method.",
    cancelled: "The payment was cancelled. You can try again or choose another method.",
    expired: "The payment expired before it was completed. You can start a new one.",
    unavailable: "No payment method here can take {}. Please contact the shop.",
    start_failed: "We could not start the payment: {} Please try again.",
    try_again: "Try again",
    new_qr: "New QR code",
    next_step: "Next, you scan a QR code or approve the payment in your app. Nothing is paid until you confirm.",
    in_app: "Payment apps may not open from {}: open this page in your browser (the app's menu), or save the QR code. ",
    open_in_browser: "Open in your browser",
    receipt: ReceiptLabels {
        amount: "Amount",
        method: "Method",
        merchant: "Paid to",
        reference: "Reference",
        date: "Date",
    },
    reasons: Reasons {
        too_late: "it was not confirmed in time.",
        rejected: "it was declined by your wallet or bank.",
        insufficient: "the balance is insufficient.",
        invalid_account: "your account cannot make this payment.",
        processing: "it could not be processed.",
        network: "we could not reach the payment service. Check your connection.",
        refused: "the shop or the payment service refused it.",
        unsafe_redirect: "the payment page is not on the payment service's site, so we did not open it.",
    },
};

/// Thai.
pub static TH: Texts = Texts {
    lang: "th",
    choose: "เลือกวิธีชำระเงิน {}",
    methods_label: "วิธีชำระเงิน",
    preparing: "กำลังเตรียมการชำระเงินด้วย {}…",
    redirecting: "กำลังพาคุณไปยัง Alipay เพื่อยืนยันการชำระเงิน…",
    waiting_qr: "กำลังรอการชำระเงิน สแกนคิวอาร์โค้ดด้วย{}",
    qr_instructions: "เปิด{} สแกนคิวอาร์โค้ดนี้ แล้วยืนยันการชำระเงิน บนโทรศัพท์ ให้บันทึกคิวอาร์โค้ดแล้วอัปโหลดในแอป",
    banking_app: "แอปธนาคาร",
    wallet_app: "แอป {}",
    qr_alt: "คิวอาร์โค้ด (QR) {} สำหรับชำระ {}",
    pay_to: "ชำระให้ {}",
    time_left: "เวลาที่เหลือในการชำระ",
    minutes_left: "เหลือเวลาชำระอีก {} นาที",
    seconds_left: "เหลือเวลาชำระอีก {} วินาที",
    save_qr: "บันทึกคิวอาร์โค้ด",
    confirming: "กำลังยืนยันการชำระเงิน…",
    reconnecting: "การเชื่อมต่อขาดหาย กำลังเชื่อมต่อใหม่… การชำระเงินของคุณปลอดภัย",
    successful: "ชำระเงินสำเร็จ ขอบคุณค่ะ",
    failed: "ชำระเงินไม่สำเร็จ: {} ลองอีกครั้งหรือเลือกวิธีอื่น",
    cancelled: "การชำระเงินถูกยกเลิก ลองอีกครั้งหรือเลือกวิธีอื่น",
    expired: "การชำระเงินหมดเวลาก่อนทำรายการเสร็จ เริ่มรายการใหม่ได้",
    unavailable: "ไม่มีวิธีชำระเงินที่รองรับยอด {} กรุณาติดต่อร้านค้า",
    start_failed: "ไม่สามารถเริ่มการชำระเงินได้: {} กรุณาลองอีกครั้ง",
    try_again: "ลองอีกครั้ง",
    new_qr: "สร้างคิวอาร์โค้ดใหม่",
    next_step: "ขั้นต่อไป คุณจะสแกนคิวอาร์โค้ดหรืออนุมัติการชำระเงินในแอป ไม่มีการตัดเงินจนกว่าคุณจะยืนยัน",
    in_app: "แอปชำระเงินอาจเปิดจาก {} ไม่ได้ เปิดหน้านี้ในเบราว์เซอร์ (จากเมนูของแอป) หรือบันทึกคิวอาร์โค้ด ",
    open_in_browser: "เปิดในเบราว์เซอร์",
    receipt: ReceiptLabels {
        amount: "จำนวนเงิน",
        method: "ช่องทาง",
        merchant: "ชำระให้",
        reference: "เลขอ้างอิง",
        date: "วันที่",
    },
    reasons: Reasons {
        too_late: "ไม่ได้ยืนยันภายในเวลาที่กำหนด",
        rejected: "ถูกปฏิเสธโดยวอลเล็ตหรือธนาคาร",
        insufficient: "ยอดเงินคงเหลือไม่เพียงพอ",
        invalid_account: "บัญชีของคุณไม่สามารถทำรายการนี้ได้",
        processing: "ระบบทำรายการไม่สำเร็จ",
        network: "ไม่สามารถเชื่อมต่อระบบชำระเงินได้ ตรวจสอบการเชื่อมต่อของคุณ",
        refused: "ร้านค้าหรือระบบชำระเงินปฏิเสธรายการ",
        unsafe_redirect: "หน้าชำระเงินไม่ได้อยู่บนเว็บไซต์ของผู้ให้บริการชำระเงิน จึงไม่ได้เปิด",
    },
};

/// Japanese.
pub static JA: Texts = Texts {
    lang: "ja",
    choose: "{} のお支払い方法を選択してください",
    methods_label: "お支払い方法",
    preparing: "{} でのお支払いを準備しています…",
    redirecting: "お支払いの承認のため Alipay に移動します…",
    waiting_qr: "お支払いをお待ちしています。{}で QR コードを読み取ってください。",
    qr_instructions: "{}を開き、この QR コードを読み取ってお支払いを確定してください。スマートフォンでは QR コードを保存してアプリでアップロードしてください。",
    banking_app: "銀行アプリ",
    wallet_app: "{} アプリ",
    qr_alt: "{} QR コード（{} のお支払い）",
    pay_to: "支払先: {}",
    time_left: "お支払い期限まで",
    minutes_left: "お支払い期限まであと {} 分です。",
    seconds_left: "お支払い期限まであと {} 秒です。",
    save_qr: "QR コードを保存",
    confirming: "お支払いを確認しています…",
    reconnecting: "接続が切れました。再接続しています… お支払いは安全です。",
    successful: "お支払いが完了しました。ありがとうございました。",
    failed: "お支払いに失敗しました: {} もう一度お試しいただくか、別のお支払い方法を選択してください。",
    cancelled: "お支払いはキャンセルされました。もう一度お試しいただくか、別のお支払い方法を選択してください。",
    expired: "お支払いが完了する前に期限が切れました。新しいお支払いを開始できます。",
    unavailable: "{} に対応するお支払い方法がありません。ショップにお問い合わせください。",
    start_failed: "お支払いを開始できませんでした: {} もう一度お試しください。",
    try_again: "もう一度試す",
    new_qr: "新しい QR コード",
    next_step: "次に、QR コードを読み取るか、アプリでお支払いを承認します。確認するまでお支払いは行われません。",
    in_app: "{} からはお支払いアプリが開かない場合があります。アプリのメニューからブラウザで開くか、QR コードを保存してください。",
    open_in_browser: "ブラウザで開く",
    receipt: ReceiptLabels {
        amount: "金額",
        method: "お支払い方法",
        merchant: "お支払い先",
        reference: "参照番号",
        date: "日時",
    },
    reasons: Reasons {
        too_late: "時間内に確認されませんでした。",
        rejected: "ウォレットまたは銀行により拒否されました。",
        insufficient: "残高が不足しています。",
        invalid_account: "このアカウントではお支払いできません。",
        processing: "処理できませんでした。",
        network: "決済サービスに接続できませんでした。接続を確認してください。",
        refused: "ショップまたは決済サービスにより拒否されました。",
        unsafe_redirect: "支払いページが決済サービスのサイト上にないため、開きませんでした。",
    },
};

/// Simplified Chinese.
pub static ZH: Texts = Texts {
    lang: "zh-CN",
    choose: "{} 请选择支付方式",
    methods_label: "支付方式",
    preparing: "正在准备 {} 支付…",
    redirecting: "正在前往支付宝确认付款…",
    waiting_qr: "正在等待付款。请用{}扫描二维码。",
    qr_instructions: "打开{}，扫描此二维码并确认付款。在手机上，请保存二维码并在 App 中上传。",
    banking_app: "银行 App",
    // A space before the wallet's Latin name, none after: "打开 TrueMoney App，".
    wallet_app: " {} App",
    qr_alt: "{} 二维码 (QR)，用于支付 {}",
    pay_to: "收款方：{}",
    time_left: "剩余支付时间",
    minutes_left: "剩余 {} 分钟支付时间。",
    seconds_left: "剩余 {} 秒支付时间。",
    save_qr: "保存二维码",
    confirming: "正在确认您的付款…",
    reconnecting: "连接已断开，正在重新连接… 您的付款是安全的。",
    successful: "支付成功，谢谢！",
    failed: "支付失败：{} 您可以重试或选择其他支付方式。",
    cancelled: "支付已取消。您可以重试或选择其他支付方式。",
    expired: "支付在完成前已过期。您可以重新发起支付。",
    unavailable: "没有可支付 {} 的支付方式，请联系商家。",
    start_failed: "无法发起支付：{} 请重试。",
    try_again: "重试",
    new_qr: "生成新二维码",
    next_step: "接下来，您将扫描二维码或在应用中确认付款。确认之前不会扣款。",
    in_app: "在 {} 中可能无法打开支付应用：请通过应用菜单在浏览器中打开此页面，或保存二维码。",
    open_in_browser: "在浏览器中打开",
    receipt: ReceiptLabels {
        amount: "金额",
        method: "支付方式",
        merchant: "收款方",
        reference: "参考号",
        date: "日期时间",
    },
    reasons: Reasons {
        too_late: "未在规定时间内确认。",
        rejected: "被钱包或银行拒绝。",
        insufficient: "余额不足。",
        invalid_account: "您的账户无法完成此付款。",
        processing: "无法处理。",
        network: "无法连接支付服务，请检查网络连接。",
        refused: "商家或支付服务拒绝了此请求。",
        unsafe_redirect: "支付页面不在支付服务的网站上，因此未打开。",
    },
};

/// A language the widget speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// English, the default.
    English,
    /// Thai.
    Thai,
    /// Japanese.
    Japanese,
    /// Simplified Chinese.
    Chinese,
}

impl Language {
    /// Every language the widget speaks.
    pub const ALL: [Language; 4] = [
        Language::English,
        Language::Thai,
        Language::Japanese,
        Language::Chinese,
    ];

    /// The primary subtag (`en`, `th`, `ja`, `zh`): the widget's words files are named by it
    /// (`paywasm-words-th.js`), and the loaders choose one by [`Language::choose`]'s rule.
    pub fn subtag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Thai => "th",
            Language::Japanese => "ja",
            Language::Chinese => "zh",
        }
    }

    /// This language's sentences, a line each, as the widget's JavaScript builds are handed them
    /// (`paywasm-words-<subtag>.js`): [`Texts::words`], then [`PhoneWords::words`].
    pub fn words_text(self) -> String {
        let texts = self.texts();
        let words: Vec<&str> = texts
            .words()
            .into_iter()
            .chain(phone_words(texts).words())
            .collect();
        words.join("\n") + "\n"
    }

    /// The language of a BCP 47 tag (`th`, `ja-JP`, `zh-Hans-CN`...), if the widget speaks it.
    pub fn for_tag(tag: &str) -> Option<Self> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Language::English),
            "th" => Some(Language::Thai),
            "ja" => Some(Language::Japanese),
            // Traditional Chinese readers are better served by English than by simplified script.
            "zh" if !crate::platform::holds(tag, "Hant")
                && !tag.ends_with("TW")
                && !tag.ends_with("HK") =>
            {
                Some(Language::Chinese)
            }
            _ => None,
        }
    }

    /// The merchant's `locale` if given and spoken, else the first of the browser's languages
    /// that is, else English. Chosen apart from the checkout's sentences, so that a view with
    /// words of its own (the cashier's) does not carry them.
    pub fn choose<'a>(option: Option<&str>, browser: impl IntoIterator<Item = &'a str>) -> Self {
        option
            .and_then(Self::for_tag)
            .or_else(|| browser.into_iter().find_map(Self::for_tag))
            .unwrap_or(Language::English)
    }

    /// The checkout's sentences in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Language::English => &EN,
            Language::Thai => &TH,
            Language::Japanese => &JA,
            Language::Chinese => &ZH,
        }
    }
}

/// The checkout's sentences in the language [`Language::choose`] chooses.
pub fn choose<'a>(
    option: Option<&str>,
    browser: impl IntoIterator<Item = &'a str>,
) -> &'static Texts {
    Language::choose(option, browser).texts()
}

/// The words under the method choice: what happens after a tap, and before it, in an app's own
/// browser (`in_app`), how to get where payment apps open. The widget and the server's first
/// view say the same.
pub fn under_choice(texts: &Texts, in_app: Option<InAppBrowser>) -> String {
    match in_app {
        Some(app) => fill(texts.in_app, app.name()) + texts.next_step,
        None => texts.next_step.to_owned(),
    }
}

/// The app a QR of `scheme` is paid with, in words: the wallet's own app for a wallet's QR
/// (TrueMoney QR), the customer's banking app for a bank's (PromptPay, PayNow).
pub fn qr_app(texts: &Texts, scheme: SourceType) -> String {
    match scheme.qr_wallet() {
        Some(wallet) => fill(texts.wallet_app, wallet),
        None => texts.banking_app.to_owned(),
    }
}

/// The words of the mobile number a wallet's page needs (TrueMoney Wallet's), apart from
/// [`Texts`]: only a build that offers such a wallet links them ([`phone_words`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneWords {
    /// The field's label: `{}` is the wallet.
    pub label: &'static str,
    /// A number that is not a Thai mobile number, and what one looks like.
    pub invalid: &'static str,
    /// The button that goes on to the wallet's page with the number.
    pub go_on: &'static str,
}

/// The words of the mobile number in the language of `texts`.
pub fn phone_words(texts: &Texts) -> &'static PhoneWords {
    match texts.lang {
        "th" => &PHONE_TH,
        "ja" => &PHONE_JA,
        "zh-CN" => &PHONE_ZH,
        _ => &PHONE_EN,
    }
}

impl PhoneWords {
    /// The number of sentences in [`PhoneWords::words`].
    pub const WORDS: usize = 3;

    /// Every sentence, in the order [`PhoneWords::from_words`] reads back (after
    /// [`Texts::words`] in a language's file).
    pub fn words(&self) -> [&'static str; Self::WORDS] {
        [self.label, self.invalid, self.go_on]
    }

    /// The sentences [`PhoneWords::words`] listed, in the same order.
    pub fn from_words([label, invalid, go_on]: [&'static str; Self::WORDS]) -> Self {
        PhoneWords {
            label,
            invalid,
            go_on,
        }
    }
}

/// English: the JavaScript builds' own, beside [`EN`].
pub static PHONE_EN: PhoneWords = PhoneWords {
    label: "Your {} mobile number",
    invalid: "Enter a Thai mobile number, such as 0812345678.",
    go_on: "Continue",
};

static PHONE_TH: PhoneWords = PhoneWords {
    label: "หมายเลขโทรศัพท์มือถือที่ใช้กับ {}",
    invalid: "กรอกหมายเลขโทรศัพท์มือถือไทย เช่น 0812345678",
    go_on: "ดำเนินการต่อ",
};

static PHONE_JA: PhoneWords = PhoneWords {
    label: "{} の携帯電話番号",
    invalid: "タイの携帯電話番号を入力してください（例：0812345678）。",
    go_on: "次へ",
};

static PHONE_ZH: PhoneWords = PhoneWords {
    label: "{} 手机号码",
    invalid: "请输入泰国手机号码，例如 0812345678。",
    go_on: "继续",
};

/// The class of the paragraph of [`under_choice`]: advice to act on, in an app's browser.
pub fn under_choice_class(in_app: Option<InAppBrowser>) -> &'static str {
    match in_app {
        Some(_) => "paywasm-next paywasm-in-app",
        None => "paywasm-next",
    }
}

/// `template` with its `{}` replaced by `value`.
pub fn fill(template: &str, value: &str) -> String {
    match placeholder(template) {
        Some((before, after)) => [before, value, after].concat(),
        None => template.to_owned(),
    }
}

/// What comes before and after the first `{}` of `template`: as `split_once("{}")`, without
/// the Two-Way substring searcher that a string pattern brings into the widget's wasm.
fn placeholder(template: &str) -> Option<(&str, &str)> {
    let at = template
        .as_bytes()
        .windows(2)
        .position(|pair| pair == b"{}")?;
    Some((&template[..at], &template[at + 2..]))
}

/// `template` split around its `{}`: what comes before the value and what comes after (the
/// checkout's title shows the amount in its own, larger type, in the language's word order).
pub fn around(template: &'static str) -> (&'static str, &'static str) {
    placeholder(template).unwrap_or((template, ""))
}

/// An amount for people (`THB 1,290.00`): the code is unambiguous in every language, and the
/// digits follow the currency's decimals.
pub fn amount(amount: Amount, currency: &Currency) -> String {
    currency.display(amount)
}

/// The reason for a failure code, in words (matched exhaustively: a new code needs its words).
pub fn failure_reason(texts: &Texts, failure: Option<crate::failure::FailureCode>) -> &'static str {
    use crate::failure::FailureCode;
    match failure.unwrap_or(FailureCode::Unknown) {
        FailureCode::PaymentExpired | FailureCode::Timeout => texts.reasons.too_late,
        FailureCode::PaymentRejected => texts.reasons.rejected,
        FailureCode::InsufficientFund | FailureCode::InsufficientBalance => {
            texts.reasons.insufficient
        }
        FailureCode::InvalidAccount => texts.reasons.invalid_account,
        FailureCode::PaymentCancelled | FailureCode::FailedProcessing | FailureCode::Unknown => {
            texts.reasons.processing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::failure::FailureCode;

    #[test]
    fn a_template_s_first_placeholder_is_filled_whatever_the_value_holds() {
        assert_eq!(fill("Pay to {}", "Silom"), "Pay to Silom");
        assert_eq!(fill("{} minutes left", "5"), "5 minutes left");
        assert_eq!(fill("no placeholder", "x"), "no placeholder");
        assert_eq!(fill("", "x"), "");
        // A merchant's name with braces, then the next value: each goes where its `{}` is.
        let line = fill(&fill("{} · {} · {}", "Café {Silom} {"), "store_1");
        assert_eq!(fill(&line, "POS-01"), "Café {Silom} { · store_1 · POS-01");
        assert_eq!(around("เลือกวิธีชำระเงิน {}"), ("เลือกวิธีชำระเงิน ", ""));
        assert_eq!(around("{}の支払い"), ("", "の支払い"));
        assert_eq!(around("{"), ("{", ""));
    }

    #[test]
    fn every_language_s_words_read_back_as_they_were_listed() {
        for language in Language::ALL {
            let texts = language.texts();
            let phone = phone_words(texts);
            assert_eq!(&Texts::from_words(texts.words()), texts);
            assert_eq!(&PhoneWords::from_words(phone.words()), phone);
            assert_eq!(Language::for_tag(language.subtag()), Some(language));
            // The widget is handed them a sentence per line.
            for word in texts.words().into_iter().chain(phone.words()) {
                assert!(!word.is_empty() && !word.contains(['\n', '\r']), "{word:?}");
            }
        }
    }

    #[test]
    fn the_title_reads_as_one_line_beside_the_amount_in_every_language() {
        // The checkout shows the amount above the title's words: words on both sides of it
        // would be two lines ("请选择支付" / "的方式" once did).
        for texts in [&EN, &TH, &JA, &ZH] {
            let (before, after) = around(texts.choose);
            assert!(
                before.trim().is_empty() || after.trim().is_empty(),
                "{:?} in {}",
                texts.choose,
                texts.lang
            );
        }
    }

    #[test]
    fn the_in_app_advice_names_the_app_and_runs_into_the_next_sentence() {
        for texts in [&EN, &TH, &JA, &ZH] {
            let advice = under_choice(texts, Some(InAppBrowser::Line));
            assert!(
                advice.contains("LINE") && !advice.contains("{}"),
                "{advice}"
            );
            assert!(
                !advice.contains("  ") && !advice.contains("。 "),
                "{advice}"
            );
        }
    }

    #[test]
    fn languages_are_chosen_by_the_option_then_the_browser() {
        assert_eq!(Language::choose(Some("th-TH"), ["ja"]), Language::Thai);
        assert_eq!(
            Language::choose(Some("ko"), ["ko", "zh-Hans-CN"]),
            Language::Chinese
        );
        assert_eq!(
            Language::choose(None, ["zh-TW", "ja-JP"]),
            Language::Japanese
        );
        assert_eq!(Language::choose(None, ["fr"]), Language::English);
        assert_eq!(choose(None, ["ja_JP"]).lang, "ja");
    }

    #[test]
    fn the_qr_is_named_by_its_method_and_amount_in_every_language() {
        for texts in [&EN, &TH, &JA, &ZH] {
            let alt = fill(fill(texts.qr_alt, "PayNow").as_str(), "SGD 129.00");
            assert!(
                alt.contains("PayNow") && alt.contains("SGD 129.00") && !alt.contains("{}"),
                "{alt} in {}",
                texts.lang
            );
        }
    }

    #[test]
    fn a_qr_names_the_app_it_is_paid_with_in_every_language() {
        for texts in [&EN, &TH, &JA, &ZH] {
            for template in [texts.waiting_qr, texts.qr_instructions] {
                let bank = fill(template, &qr_app(texts, SourceType::Promptpay));
                assert!(
                    bank.contains(texts.banking_app) && !bank.contains("{}"),
                    "{bank}"
                );
                #[cfg(feature = "gateway-methods")]
                {
                    let scheme = SourceType::parse("truemoney_qr").unwrap();
                    let wallet = fill(template, &qr_app(texts, scheme));
                    assert!(
                        wallet.contains("TrueMoney") && !wallet.contains(texts.banking_app),
                        "{wallet}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_mobile_number_is_asked_in_the_checkout_s_language() {
        for (texts, words) in [
            (&EN, &PHONE_EN),
            (&TH, &PHONE_TH),
            (&JA, &PHONE_JA),
            (&ZH, &PHONE_ZH),
        ] {
            assert_eq!(phone_words(texts), words, "{}", texts.lang);
            assert!(fill(words.label, "TrueMoney Wallet").contains("TrueMoney Wallet"));
            assert!(words.invalid.contains("0812345678"), "{}", texts.lang);
        }
    }

    #[test]
    fn every_seed_failure_code_has_a_reason_in_every_language() {
        for texts in [&EN, &TH, &JA, &ZH] {
            for code in FailureCode::KNOWN {
                let reason = failure_reason(texts, Some(code));
                assert!(!reason.is_empty(), "{code:?} in {}", texts.lang);
                // Only the codes with nothing more to say get the general sentence.
                let general = matches!(
                    code,
                    FailureCode::PaymentCancelled | FailureCode::FailedProcessing
                );
                assert_eq!(
                    reason == texts.reasons.processing,
                    general,
                    "{code:?} in {}",
                    texts.lang
                );
            }
            assert_eq!(
                failure_reason(texts, Some(FailureCode::parse("card_lost"))),
                texts.reasons.processing
            );
            assert_eq!(failure_reason(texts, None), texts.reasons.processing);
        }
    }
}
