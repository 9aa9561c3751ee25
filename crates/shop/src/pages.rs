//! The shop's server-rendered pages: the templates in `templates/shop/` with the checkout's settings
//! put in a JSON block (read by the page's module script), and on the product page the
//! checkout's first view (`paywasm_core::first_view`), whose one inline script the Content
//! Security Policy allows by its hash.

use super::checkout::find_order;
use super::error::MerchantError;
use super::views::{self, config_json, respond};
use super::{Market, ShopState, PRODUCT};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use paywasm_core::first_view;
use paywasm_core::i18n;
use paywasm_core::method::{checkout_methods, GatewayKind, SourceType};
use paywasm_core::money::{Amount, Currency};
use paywasm_core::platform::{detect_platform, InAppBrowser, PlatformType};
use paywasm_core::policy::PublicKey;
use paywasm_merchant::client::OmiseClient;
use paywasm_merchant::connector::Connector;
use serde::Deserialize;
use serde_json::{json, Value};

pub(crate) fn widget_config(
    state: &ShopState,
    order_id: &str,
    amount: i64,
    currency: &str,
) -> Value {
    json!({
        "publicKey": state.public_key,
        "gatewayUrl": state.gateway_url,
        "chargeUrl": format!(
            "{}{}/checkout/charges",
            state.shop_url,
            Market::of_currency(currency).path
        ),
        "order": order_id,
        "amount": amount,
        "currency": currency,
        "merchantName": "paywasm demo shop",
    })
}

/// The methods a page offers: the shop's choice for it (`chosen`; the checkout's own methods
/// when it has none), of those the account takes, where the gateway has said which (`account`).
/// `None`: the checkout's own, whatever the account.
pub(crate) fn offered(
    chosen: Option<&[SourceType]>,
    account: Option<&[SourceType]>,
) -> Option<Vec<SourceType>> {
    let chosen = match (chosen, account) {
        (None, None) => return None,
        (Some(chosen), _) => chosen,
        (None, Some(_)) => &SourceType::ALL,
    };
    Some(
        chosen
            .iter()
            .copied()
            .filter(|method| account.is_none_or(|account| account.contains(method)))
            .collect(),
    )
}

/// Restricts the widget of `widget_config` to `offered` (the widget's `methods` option).
pub(crate) fn offer_only(widget: &mut Value, offered: Option<&[SourceType]>) {
    if let Some(offered) = offered {
        widget["methods"] = offered.iter().map(|method| method.as_str()).collect();
    }
}

/// Whether a page offering `offered` offers Opn's methods beyond the checkout's own, whose
/// marks (`paywasm-methods.css`) and code (the `paywasm_methods` build) the pages that offer
/// none do not download.
pub(crate) fn offers_other_methods(offered: Option<&[SourceType]>) -> bool {
    offered.is_some_and(|offered| {
        offered
            .iter()
            .any(|method| !SourceType::ALL.contains(method))
    })
}

fn header(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
}

/// The customer's platform from the `User-Agent`. Touch points are not sent: an iPad in
/// desktop mode gets the desktop's methods here, and the widget's own choice when it takes over.
fn customer_platform(headers: &HeaderMap) -> PlatformType {
    detect_platform(header(headers, header::USER_AGENT), 0)
}

/// The widget's words in the first of the browser's languages (`Accept-Language`, in its
/// order of preference: `th-TH,th;q=0.9,en;q=0.8`) that the widget speaks; the widget reads
/// the same list from `navigator.languages`.
fn customer_texts(headers: &HeaderMap) -> &'static i18n::Texts {
    let languages = header(headers, header::ACCEPT_LANGUAGE)
        .split(',')
        .map(|tag| tag.split(';').next().unwrap_or("").trim());
    i18n::choose(None, languages)
}

/// What the widget will offer this customer on `gateway`: the methods that fit, for the
/// customer's platform, of `offered` (the widget's `methods` option) where given.
pub(crate) fn methods_for(
    headers: &HeaderMap,
    gateway: GatewayKind,
    amount: Amount,
    currency: &Currency,
    offered: Option<&[SourceType]>,
) -> Vec<SourceType> {
    checkout_methods(
        gateway,
        amount,
        currency,
        customer_platform(headers),
        offered,
    )
}

/// The checkout's first view offering `methods` (what [`methods_for`] says the widget will
/// offer), in the customer's language (with the widget's advice in an app's own browser); with
/// `early`, a tap makes its source while the widget loads; a tap also asks for the payment
/// module of the page's widget `build` (`paywasm`, `paywasm_methods`, `paywasm_wooshpay`).
pub(crate) fn first_view_for(
    state: &ShopState,
    headers: &HeaderMap,
    amount: Amount,
    currency: &Currency,
    methods: &[SourceType],
    early: Option<first_view::EarlySource<'_>>,
    build: &str,
) -> String {
    let in_app = InAppBrowser::detect(header(headers, header::USER_AGENT));
    let module = format!("{build}_payment.wasm");
    // Without its hash (a widget built without `integrity.json`) the preload would not be the
    // widget's fetch, which gives one: the module would be downloaded twice.
    let integrity = state.integrity(&module);
    let url = format!("/pkg/{module}");
    first_view::html(
        customer_texts(headers),
        amount,
        currency,
        methods,
        early,
        integrity
            .as_deref()
            .map(|integrity| first_view::PaymentModule {
                url: &url,
                integrity,
            }),
        in_app,
    )
}

/// "Pay with PromptPay or Alipay.": the names of `methods` (each once: two methods may share a
/// brand) for the page's note, so that it names what the page offers; empty when none fits.
fn pay_with(methods: &[SourceType]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for method in methods {
        let name = method.method().display_name;
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => format!("Pay with {last}."),
        Some((last, others)) => format!("Pay with {} or {last}.", others.join(", ")),
    }
}

/// `GET /` and each market's path (`/sg`, ...): the product page of `market`, with a new order
/// and the checkout's method buttons already in the HTML (in the customer's language, for the
/// customer's platform), so that they can be used before the widget has loaded; offering the
/// market's methods that the account takes (once the gateway has said which), in the first
/// view and to the widget as its `methods` option.
pub(crate) async fn product_page(
    state: &ShopState,
    headers: &HeaderMap,
    market: &Market,
) -> Result<Response, MerchantError> {
    let order = market.listing.new_order()?;
    let price = order.currency.display(order.amount);
    let offered = offered(market.offers, state.account_methods.get().await.as_deref());
    let mut widget = widget_config(state, &order.id, order.amount.0, order.currency.as_str());
    offer_only(&mut widget, offered.as_deref());
    let charge_url = widget["chargeUrl"].as_str().unwrap_or_default().to_owned();
    let config = json!({ "widget": widget });
    // The key the widget is mounted with (a key that is not a public one makes no source here;
    // the widget then says what is wrong with it).
    let public_key = PublicKey::parse(GatewayKind::Omise, &state.public_key).ok();
    let early = public_key
        .as_ref()
        .map(|public_key| first_view::EarlySource {
            gateway_url: &state.gateway_url,
            public_key,
            // The widget's own charge request, made by the first view as soon as the source is.
            charge: Some(first_view::EarlyCharge {
                charge_url: &charge_url,
                order: &order.id,
            }),
        });
    let methods = methods_for(
        headers,
        GatewayKind::Omise,
        order.amount,
        &order.currency,
        offered.as_deref(),
    );
    let other_marks = offers_other_methods(offered.as_deref());
    let build = if other_marks {
        "paywasm_methods"
    } else {
        "paywasm"
    };
    let first_view = first_view_for(
        state,
        headers,
        order.amount,
        &order.currency,
        &methods,
        early,
        build,
    );
    respond(&views::ProductPage {
        title: PRODUCT.name,
        product: PRODUCT.name,
        price,
        shipping: market.shipping,
        methods: pay_with(&methods),
        other_marks,
        build,
        config: config_json(&config),
        first_view,
    })
}

/// Query of the return page.
#[derive(Debug, Deserialize)]
pub(crate) struct ReturnQuery {
    order: Option<String>,
}

/// `GET /return?order=...`: where the customer lands after the authorize page; the widget
/// resumes from the order's charge and shows how it ended.
pub(crate) async fn return_page(
    State(state): State<ShopState>,
    Query(query): Query<ReturnQuery>,
    headers: HeaderMap,
) -> Result<Response, MerchantError> {
    let order = match &query.order {
        Some(id) => find_order(&state.database, id).await?,
        None => None,
    };
    let charge_id = match &order {
        Some(order) => state
            .checkout
            .records()
            .latest_payment(&order.id, OmiseClient::NAME)
            .await?
            .map(|(id, _)| id),
        None => None,
    };
    let widget = match (order, charge_id) {
        (Some(order), Some(charge_id)) => {
            let mut widget =
                widget_config(&state, &order.id, order.amount.0, order.currency.as_str());
            widget["chargeId"] = charge_id.into();
            Some(widget)
        }
        _ => None,
    };
    render_return(&headers, GatewayKind::Omise, widget)
}

/// A return page: the widget resuming the payment (`widget`: its options), shown at first as
/// "Confirming your payment…" in the customer's language, or, without one, what to do next.
/// The page preloads the checkout's build for `gateway` (each gateway's is its own).
pub(crate) fn render_return(
    headers: &HeaderMap,
    gateway: GatewayKind,
    widget: Option<Value>,
) -> Result<Response, MerchantError> {
    let (config, first_view) = match widget {
        Some(widget) => (
            json!({ "widget": widget }),
            first_view::confirming(customer_texts(headers)),
        ),
        None => (
            json!({ "error": "We could not find this order's payment. Please go back to the shop and try again." }),
            String::new(),
        ),
    };
    respond(&views::ReturnPage {
        title: "Your payment",
        product: PRODUCT.name,
        config: config_json(&config),
        first_view,
        build: checkout_build(gateway),
    })
}

/// The checkout's build (`pkg/{build}.js`) for a gateway's return page: on Omise, the one
/// with Opn's other methods, since the charge it waits for may be of any method (the npm
/// entry's rule too).
pub(crate) fn checkout_build(gateway: GatewayKind) -> &'static str {
    match gateway {
        GatewayKind::Omise => "paywasm_methods",
        GatewayKind::Wooshpay => "paywasm_wooshpay",
    }
}

/// Query of the POS page.
#[derive(Debug, Deserialize)]
pub(crate) struct PosQuery {
    amount: Option<i64>,
}

/// `GET /pos?amount=N`: the cashier view for a sale of N (smallest unit; default THB 400.00).
pub(crate) async fn pos_page(
    State(state): State<ShopState>,
    Query(query): Query<PosQuery>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Result<Response, MerchantError> {
    if state.staff.of(&headers).await?.is_none() {
        let here = uri.path_and_query().map_or("/pos", |path| path.as_str());
        let mut next = url::form_urlencoded::Serializer::new(String::new());
        next.append_pair("next", here);
        return Ok(
            axum::response::Redirect::to(&format!("/pos/sign-in?{}", next.finish()))
                .into_response(),
        );
    }
    let amount = query.amount.unwrap_or(40_000);
    let config = json!({
        "widget": {
            "mode": "pos",
            "amount": amount,
            "currency": "THB",
            "posUrl": format!("{}/pos/charges", state.shop_url),
            "chargeUrl": format!("{}/checkout/charges", state.shop_url),
            "storeId": "store_1234",
            "storeName": "paywasm demo shop (Silom)",
            "terminalId": "POS-01",
        }
    });
    respond(&views::PosPage {
        title: "Point of sale",
        config: config_json(&config),
        codes: paywasm_core::test_codes::test_codes(),
    })
}
