//! Reading a request's cookies, for the sessions a merchant's server keeps (the point of
//! sale's staff sign-in) and the sandbox's dashboard.

use axum::http::{header::COOKIE, HeaderMap};

/// The values of cookie `name` a request carries, in the order sent (a browser sends one; a
/// caller takes a few at most, so that a request stuffed with cookies costs no more).
pub fn values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(move |cookie| cookie.trim().strip_prefix(name)?.strip_prefix('='))
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn a_cookie_is_found_by_its_whole_name_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            "cookie",
            HeaderValue::from_static("a=1; session_old=x; session=abc"),
        );
        headers.append("cookie", HeaderValue::from_static("session=def"));
        let found: Vec<&str> = super::values(&headers, "session").collect();
        assert_eq!(found, ["abc", "def"]);
    }
}
