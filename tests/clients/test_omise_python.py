"""The official Omise Python client (PyPI `omise`) against paywasm-sandbox, unchanged: only its
API base URLs point at the sandbox. Run by `npm test` through scripts/test-clients.sh.

Each test exercises one seed method the way a merchant server would.
"""
import json
import os
import subprocess
import unittest
import urllib.request

import omise

SANDBOX = os.environ.get("PAYWASM_SANDBOX_BIN", "target/debug/paywasm-sandbox")
PUBLIC_KEY = "pkey_test_5paywasmsandbox0demo0"
SECRET_KEY = "skey_test_5paywasmsandbox0demo0"


def setUpModule():
    global process, gateway
    process = subprocess.Popen(
        [SANDBOX, "--gateway", "127.0.0.1:0", "--shop", "127.0.0.1:0",
         "--webhook-url", "http://127.0.0.1:9/unused"],
        stdout=subprocess.PIPE, text=True,
    )
    gateway = None
    for line in process.stdout:
        if line.startswith("gateway:"):
            gateway = line.split()[1]
        if line.startswith("shop:"):
            break
    assert gateway, "the sandbox printed its gateway URL"
    omise.api_main = gateway
    omise.api_vault = gateway
    omise.api_public = PUBLIC_KEY
    omise.api_secret = SECRET_KEY


def tearDownModule():
    process.terminate()
    process.wait(timeout=10)


def mark_as_paid(charge_id):
    """The test-mode control the dashboard's Actions stand for; not part of the client."""
    request = urllib.request.Request(f"{gateway}/charges/{charge_id}/mark_as_paid", method="POST")
    request.add_header("Authorization", "Basic " + __import__("base64").b64encode(f"{SECRET_KEY}:".encode()).decode())
    with urllib.request.urlopen(request) as response:
        return json.load(response)


class Capability(unittest.TestCase):
    def test_the_account_lists_its_methods_with_their_currencies(self):
        capability = omise.Capability.retrieve()
        self.assertEqual(capability.object, "capability")
        methods = {method["name"]: method["currencies"] for method in capability.payment_methods}
        self.assertEqual(methods["promptpay"], ["THB"])
        self.assertEqual(methods["paynow"], ["SGD"])
        self.assertIn("alipay_cn", methods)


class TrueMoneyWallet(unittest.TestCase):
    """A redirect method beyond the seeds, as omise-python creates it: the customer's number on
    the source, the charge's authorize_uri to the wallet's (test) page."""

    def test_source_with_phone_number_then_charge_with_return_uri(self):
        source = omise.Source.create(type="truemoney", amount=50000, currency="thb", phone_number="0812345678")
        self.assertEqual((source.flow, source.phone_number), ("redirect", "0812345678"))
        charge = omise.Charge.create(amount=50000, currency="thb", source=source.id, return_uri="https://shop.example/orders/1")
        self.assertEqual(charge.status, "pending")
        self.assertTrue(charge.authorize_uri.startswith(f"{gateway}/payments/"))
        with self.assertRaises(omise.errors.BaseError) as raised:
            omise.Source.create(type="truemoney", amount=50000, currency="thb")
        self.assertIn("phone_number is required", str(raised.exception))


class PromptPay(unittest.TestCase):
    def test_source_then_charge_retrieve_list_and_expire(self):
        source = omise.Source.create(type="promptpay", amount=400000, currency="thb")
        self.assertTrue(source.id.startswith("src_test_"))
        self.assertEqual(source.flow, "offline")
        charge = omise.Charge.create(amount=400000, currency="thb", source=source.id)
        self.assertEqual(charge.status, "pending")
        self.assertEqual((charge.fee, charge.fee_vat, charge.net), (6600, 462, 392938))
        self.assertTrue(charge.source.scannable_code.image.download_uri.startswith(gateway))
        again = omise.Charge.retrieve(charge.id)
        self.assertEqual(again.id, charge.id)
        listed = omise.Charge.retrieve()  # the list, newest first
        self.assertEqual(listed[0].id, charge.id)
        self.assertGreaterEqual(len(omise.Charge.list()), 1)
        charge.expire()
        self.assertEqual(charge.status, "expired")
        with self.assertRaises(omise.errors.FailedRefundError):
            charge.refund(amount=100)

    def test_amount_outside_the_limits_is_refused(self):
        with self.assertRaises(omise.errors.BaseError) as raised:
            omise.Charge.create(amount=1999, currency="THB", source={"type": "promptpay"})
        self.assertIn("2000", str(raised.exception))


class AlipayCn(unittest.TestCase):
    def test_charge_sends_the_customer_to_the_authorize_page(self):
        charge = omise.Charge.create(
            amount=150000, currency="SGD", return_uri="https://example.com/orders/345678/complete",
            source={"type": "alipay_cn", "platform_type": "WEB"},
        )
        self.assertEqual(charge.source.flow, "app_redirect")
        self.assertTrue(charge.authorize_uri.startswith(gateway + "/payments/"))
        with self.assertRaises(omise.errors.InvalidChargeError):
            omise.Charge.create(amount=150000, currency="SGD", source={"type": "alipay_cn"})


class AlipayInStore(unittest.TestCase):
    def test_barcode_charge_and_partial_refunds(self):
        source = omise.Source.create(
            type="barcode_alipay", amount=400000, currency="THB", barcode="1234567890",
            store_id="store_1234", store_name="Some Store", terminal_id="POS-01",
        )
        charge = omise.Charge.create(amount=400000, currency="THB", source=source.id)
        self.assertEqual(charge.status, "successful")
        refund = charge.refund(amount=100000)
        self.assertEqual(refund.amount, 100000)
        charge.refund(amount=50000)
        self.assertEqual(charge.refunded_amount, 150000)
        self.assertEqual(len(charge.list_refunds()), 2)
        with self.assertRaises(omise.errors.BaseError):
            charge.refund(amount=250001)


class WeChatPay(unittest.TestCase):
    def test_one_call_charge_waits_for_the_customer_and_can_be_expired(self):
        charge = omise.Charge.create(
            amount=20000, currency="THB", source={"type": "wechat_pay_upm", "barcode": "134567890123456701"},
        )
        self.assertEqual(charge.status, "pending")
        mark_as_paid(charge.id)
        charge.reload()
        self.assertEqual(charge.status, "successful")
        pending = omise.Charge.create(
            amount=20000, currency="THB", source={"type": "wechat_pay_upm", "barcode": "134567890123456701"},
        )
        pending.expire()
        self.assertEqual(pending.status, "expired")


class Keys(unittest.TestCase):
    def test_a_wrong_secret_key_is_an_authentication_failure(self):
        omise.api_secret = "skey_test_wrong"
        try:
            with self.assertRaises(omise.errors.AuthenticationFailureError):
                omise.Charge.retrieve()
        finally:
            omise.api_secret = SECRET_KEY


if __name__ == "__main__":
    unittest.main()
