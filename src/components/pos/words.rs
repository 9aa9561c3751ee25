//! The cashier's words in English, Thai, Japanese and Simplified Chinese, chosen like the
//! customer's ([`Language::choose`]: the `locale` option, else the browser's languages).
//! They live in the cashier's build only: a checkout page never downloads them. `{}` in a
//! template is filled in order with [`crate::i18n::fill`].

use crate::i18n::Language;
use paywasm_core::checkout::Payment;
use paywasm_core::failure::FailureCode;
use paywasm_core::pos::CodeError;

/// Sentences in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PosTexts {
    /// BCP 47 tag for the `lang` attribute.
    pub lang: &'static str,
    /// The heading: `{}` is the amount.
    pub title: &'static str,
    /// The store line with a name: name, store id, terminal.
    pub store_named: &'static str,
    /// The store line without a name: store id, terminal.
    pub store: &'static str,
    /// The scan field's label.
    pub code_label: &'static str,
    /// The scan form's button.
    pub charge: &'static str,
    /// Button: start the camera.
    pub camera_start: &'static str,
    /// Button: stop the camera.
    pub camera_stop: &'static str,
    /// The camera preview's name.
    pub camera: &'static str,
    /// Button: cancel a payment the customer has not confirmed.
    pub cancel: &'static str,
    /// The refund field's label.
    pub refund_label: &'static str,
    /// The refund button.
    pub refund: &'static str,
    /// The refund field holds no amount.
    pub refund_hint: &'static str,
    /// A refund went through: amount, refund id.
    pub refunded: &'static str,
    /// A refund was refused: `{}` is why.
    pub refund_refused: &'static str,
    /// Ready for a scan.
    pub ready: &'static str,
    /// The charge request is on its way.
    pub charging: &'static str,
    /// The customer confirms in the app: `{}` is the wallet.
    pub waiting: &'static str,
    /// Paid: amount, wallet.
    pub successful: &'static str,
    /// The pending charge was cancelled (expired).
    pub expired: &'static str,
    /// Failed: `{}` is the advice.
    pub failed: &'static str,
    /// The shop could not be reached: nothing was charged twice.
    pub unreachable: &'static str,
    /// The shop answered something this view does not understand.
    pub not_understood: &'static str,
    /// The customer cancelled in the app.
    pub advice_cancelled: &'static str,
    /// The customer did not confirm in time.
    pub advice_too_late: &'static str,
    /// Not enough money.
    pub advice_insufficient: &'static str,
    /// The wallet said no.
    pub advice_rejected: &'static str,
    /// The account cannot pay.
    pub advice_invalid_account: &'static str,
    /// Anything else.
    pub advice_processing: &'static str,
    /// An empty scan.
    pub code_empty: &'static str,
    /// Not a wallet's payment code.
    pub code_unknown: &'static str,
    /// The browser refused the camera.
    pub camera_not_allowed: &'static str,
    /// No camera.
    pub camera_unavailable: &'static str,
}

impl PosTexts {
    /// What the cashier reads, and what to do next, for a failed charge.
    pub fn failure_advice(&self, failure: Option<FailureCode>) -> &'static str {
        match failure.unwrap_or(FailureCode::Unknown) {
            FailureCode::PaymentCancelled => self.advice_cancelled,
            FailureCode::Timeout | FailureCode::PaymentExpired => self.advice_too_late,
            FailureCode::InsufficientBalance | FailureCode::InsufficientFund => {
                self.advice_insufficient
            }
            FailureCode::PaymentRejected => self.advice_rejected,
            FailureCode::InvalidAccount => self.advice_invalid_account,
            FailureCode::FailedProcessing | FailureCode::Unknown => self.advice_processing,
        }
    }

    /// What to do about a scan that is not a payment code.
    pub fn code_advice(&self, error: &CodeError) -> &'static str {
        match error {
            CodeError::Empty => self.code_empty,
            CodeError::NotDigits | CodeError::UnknownWallet => self.code_unknown,
        }
    }
}

/// The wallet's name (a brand: the same in every language).
pub fn wallet(charge: &Payment) -> &'static str {
    if charge.source.source_type == "wechat_pay_upm" {
        "WeChat Pay"
    } else {
        "Alipay"
    }
}

/// The cashier's words in `language`.
pub fn for_language(language: Language) -> &'static PosTexts {
    match language {
        Language::English => &EN,
        Language::Thai => &TH,
        Language::Japanese => &JA,
        Language::Chinese => &ZH,
    }
}

/// English.
pub static EN: PosTexts = PosTexts {
    lang: "en",
    title: "Charge {}",
    store_named: "{} · Store {} · Terminal {}",
    store: "Store {} · Terminal {}",
    code_label: "Customer's payment code",
    charge: "Charge",
    camera_start: "Scan with camera",
    camera_stop: "Stop camera",
    camera: "Camera",
    cancel: "Cancel payment",
    refund_label: "Refund amount",
    refund: "Refund",
    refund_hint: "Enter the amount to refund, such as 100.00.",
    refunded: "Refunded {} ({}).",
    refund_refused: "Refund refused: {}",
    ready: "Scan the customer's Alipay or WeChat Pay payment code.",
    charging: "Charging…",
    waiting: "Waiting for the customer to confirm in {}…",
    successful: "Payment successful: {} with {}.",
    expired: "Cancelled: the charge expired and the customer will not pay. Scan again or ask for another method.",
    failed: "Payment failed. {}",
    unreachable: "We could not reach the shop. Check your connection and try again. Scan again to retry; the customer will not be charged twice.",
    not_understood: "The shop sent an answer we do not understand. Scan again to retry; the customer will not be charged twice.",
    advice_cancelled: "The customer cancelled in the app. Scan again if they want to retry.",
    advice_too_late: "The customer did not confirm in time. Ask them to show a new code and scan again.",
    advice_insufficient: "The customer's balance is insufficient. Ask for another payment method.",
    advice_rejected: "The wallet rejected the payment. Ask for another payment method.",
    advice_invalid_account: "The customer's account cannot make this payment. Ask for another payment method.",
    advice_processing: "The payment could not be processed. Scan again, or ask for another payment method.",
    code_empty: "Scan the customer's payment code.",
    code_unknown: "This is not an Alipay or WeChat Pay payment code. Ask the customer to open the payment code in the app and scan again.",
    camera_not_allowed: "The camera is not allowed. Allow it in the browser's site settings, or use the scanner.",
    camera_unavailable: "No camera is available. Use the scanner field instead.",
};

/// Thai.
pub static TH: PosTexts = PosTexts {
    lang: "th",
    title: "เรียกเก็บ {}",
    store_named: "{} · ร้าน {} · เครื่อง {}",
    store: "ร้าน {} · เครื่อง {}",
    code_label: "โค้ดชำระเงินของลูกค้า",
    charge: "เรียกเก็บเงิน",
    camera_start: "สแกนด้วยกล้อง",
    camera_stop: "ปิดกล้อง",
    camera: "กล้อง",
    cancel: "ยกเลิกการชำระเงิน",
    refund_label: "จำนวนเงินที่คืน",
    refund: "คืนเงิน",
    refund_hint: "ใส่จำนวนเงินที่จะคืน เช่น 100.00",
    refunded: "คืนเงินแล้ว {} ({})",
    refund_refused: "คืนเงินไม่สำเร็จ: {}",
    ready: "สแกนโค้ดชำระเงิน Alipay หรือ WeChat Pay ของลูกค้า",
    charging: "กำลังเรียกเก็บเงิน…",
    waiting: "กำลังรอลูกค้ายืนยันใน {}…",
    successful: "ชำระเงินสำเร็จ: {} ด้วย {}",
    expired: "ยกเลิกแล้ว: รายการหมดอายุและลูกค้าจะไม่ถูกเรียกเก็บเงิน สแกนใหม่หรือขอวิธีชำระเงินอื่น",
    failed: "ชำระเงินไม่สำเร็จ {}",
    unreachable:
        "ติดต่อร้านค้าไม่ได้ ตรวจสอบการเชื่อมต่อแล้วลองอีกครั้ง สแกนใหม่เพื่อลองอีกครั้งได้ ลูกค้าจะไม่ถูกเรียกเก็บเงินซ้ำ",
    not_understood: "ร้านค้าตอบกลับในรูปแบบที่เราไม่เข้าใจ สแกนใหม่เพื่อลองอีกครั้งได้ ลูกค้าจะไม่ถูกเรียกเก็บเงินซ้ำ",
    advice_cancelled: "ลูกค้ายกเลิกในแอป สแกนใหม่หากลูกค้าต้องการลองอีกครั้ง",
    advice_too_late: "ลูกค้าไม่ได้ยืนยันภายในเวลา ขอให้ลูกค้าแสดงโค้ดใหม่แล้วสแกนอีกครั้ง",
    advice_insufficient: "ยอดเงินของลูกค้าไม่เพียงพอ ขอวิธีชำระเงินอื่น",
    advice_rejected: "วอลเล็ตปฏิเสธการชำระเงิน ขอวิธีชำระเงินอื่น",
    advice_invalid_account: "บัญชีของลูกค้าชำระเงินรายการนี้ไม่ได้ ขอวิธีชำระเงินอื่น",
    advice_processing: "ดำเนินการชำระเงินไม่ได้ สแกนใหม่ หรือขอวิธีชำระเงินอื่น",
    code_empty: "สแกนโค้ดชำระเงินของลูกค้า",
    code_unknown: "นี่ไม่ใช่โค้ดชำระเงิน Alipay หรือ WeChat Pay ขอให้ลูกค้าเปิดโค้ดชำระเงินในแอปแล้วสแกนใหม่",
    camera_not_allowed: "ไม่ได้รับอนุญาตให้ใช้กล้อง อนุญาตในการตั้งค่าเว็บไซต์ของเบราว์เซอร์ หรือใช้เครื่องสแกน",
    camera_unavailable: "ไม่มีกล้อง ใช้ช่องสำหรับเครื่องสแกนแทน",
};

/// Japanese.
pub static JA: PosTexts = PosTexts {
    lang: "ja",
    title: "{} を請求",
    store_named: "{} · 店舗 {} · 端末 {}",
    store: "店舗 {} · 端末 {}",
    code_label: "お客様の支払いコード",
    charge: "請求する",
    camera_start: "カメラでスキャン",
    camera_stop: "カメラを停止",
    camera: "カメラ",
    cancel: "支払いをキャンセル",
    refund_label: "返金額",
    refund: "返金する",
    refund_hint: "返金する金額を入力してください（例: 100.00）。",
    refunded: "{} を返金しました（{}）。",
    refund_refused: "返金できませんでした: {}",
    ready: "お客様の Alipay または WeChat Pay の支払いコードをスキャンしてください。",
    charging: "請求しています…",
    waiting: "お客様が {} で確認するのを待っています…",
    successful: "支払いが完了しました: {}（{}）。",
    expired: "キャンセルしました: 請求は期限切れになり、お客様への請求はありません。もう一度スキャンするか、別の支払い方法をお願いしてください。",
    failed: "支払いに失敗しました。{}",
    unreachable: "ショップに接続できませんでした。接続を確認してもう一度お試しください。再度スキャンしても二重に請求されることはありません。",
    not_understood: "ショップから理解できない応答がありました。再度スキャンしても二重に請求されることはありません。",
    advice_cancelled: "お客様がアプリでキャンセルしました。再試行する場合はもう一度スキャンしてください。",
    advice_too_late: "お客様が時間内に確認しませんでした。新しいコードを表示してもらい、もう一度スキャンしてください。",
    advice_insufficient: "お客様の残高が不足しています。別の支払い方法をお願いしてください。",
    advice_rejected: "ウォレットが支払いを拒否しました。別の支払い方法をお願いしてください。",
    advice_invalid_account: "お客様のアカウントではこの支払いができません。別の支払い方法をお願いしてください。",
    advice_processing: "支払いを処理できませんでした。もう一度スキャンするか、別の支払い方法をお願いしてください。",
    code_empty: "お客様の支払いコードをスキャンしてください。",
    code_unknown: "Alipay または WeChat Pay の支払いコードではありません。アプリで支払いコードを開いてもらい、もう一度スキャンしてください。",
    camera_not_allowed: "カメラが許可されていません。ブラウザのサイト設定で許可するか、スキャナーを使ってください。",
    camera_unavailable: "カメラがありません。スキャナー用の入力欄を使ってください。",
};

/// Simplified Chinese.
pub static ZH: PosTexts = PosTexts {
    lang: "zh-CN",
    title: "收款 {}",
    store_named: "{} · 门店 {} · 终端 {}",
    store: "门店 {} · 终端 {}",
    code_label: "顾客的付款码",
    charge: "收款",
    camera_start: "用摄像头扫码",
    camera_stop: "关闭摄像头",
    camera: "摄像头",
    cancel: "取消付款",
    refund_label: "退款金额",
    refund: "退款",
    refund_hint: "请输入退款金额，例如 100.00。",
    refunded: "已退款 {}（{}）。",
    refund_refused: "退款被拒绝：{}",
    ready: "请扫描顾客的支付宝或微信支付付款码。",
    charging: "正在收款…",
    waiting: "正在等待顾客在{}中确认…",
    successful: "付款成功：{}，{}。",
    expired: "已取消：该笔收款已过期，顾客不会被扣款。请重新扫码或请顾客换一种付款方式。",
    failed: "付款失败。{}",
    unreachable: "无法连接商店。请检查网络后重试。重新扫码即可重试，顾客不会被重复扣款。",
    not_understood: "商店返回了无法识别的应答。重新扫码即可重试，顾客不会被重复扣款。",
    advice_cancelled: "顾客在应用中取消了付款。如需重试，请重新扫码。",
    advice_too_late: "顾客未在时限内确认。请顾客出示新的付款码后重新扫码。",
    advice_insufficient: "顾客余额不足。请顾客换一种付款方式。",
    advice_rejected: "钱包拒绝了这笔付款。请顾客换一种付款方式。",
    advice_invalid_account: "顾客的账户无法完成这笔付款。请顾客换一种付款方式。",
    advice_processing: "付款无法处理。请重新扫码，或请顾客换一种付款方式。",
    code_empty: "请扫描顾客的付款码。",
    code_unknown: "这不是支付宝或微信支付的付款码。请顾客在应用中打开付款码后重新扫码。",
    camera_not_allowed: "未获准使用摄像头。请在浏览器的网站设置中允许，或使用扫码枪。",
    camera_unavailable: "没有可用的摄像头。请改用扫码枪输入框。",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_fills_the_same_places() {
        let places = |t: &PosTexts| {
            [
                t.title,
                t.store_named,
                t.store,
                t.refunded,
                t.refund_refused,
                t.waiting,
                t.successful,
                t.failed,
            ]
            .map(|template| template.matches("{}").count())
        };
        for texts in [&TH, &JA, &ZH] {
            assert_eq!(places(texts), places(&EN), "{}", texts.lang);
        }
    }
}
