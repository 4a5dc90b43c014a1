// MixPay's official client resending on its own: a 500 ms timeout against creations that take 1.5 s.
// mixpayjs resends a timed-out request (after 500 ms, without a limit); the gateway must make one payment
// per order of it. One JSON line per order. Usage: node resend.js <gateway origin> <orders>
// MixPayJsClientTest runs it.
'use strict';

const MixPay = require('mixpayjs');

const [gateway, count] = process.argv.slice(2);
if (!gateway || !count) {
  console.error('usage: node resend.js <gateway origin> <orders>');
  process.exit(2);
}

const client = MixPay();
client.request.defaults.baseURL = `${gateway}/v1`;
client.request.defaults.proxy = false;
client.request.defaults.timeout = 500;
// The simulator's control header: every creation's payment exists at once, its reply comes 1.5 s later.
// It passes through the gateway.
client.request.defaults.headers['X-Simulate-Creation-Delay-Ms'] = '1500';

const PAYEE = '8e69e534-d0c4-3e04-8b61-37a73cd9e7d7';
const BTC = 'c6d0c728-2624-429b-8e0d-d9d19b6592fa';
const run = Date.now().toString(36);
const sends = {};
client.request.interceptors.request.use((config) => {
  const orderId = config.data && JSON.parse(typeof config.data === 'string' ? config.data : JSON.stringify(config.data)).orderId;
  sends[orderId] = (sends[orderId] || 0) + 1;
  return config;
});

async function main() {
  let failures = 0;
  for (let i = 0; i < Number(count); i++) {
    const orderId = `js_${run}_resend_${i}`;
    try {
      const link = await client.createOneTimePaymentLink({ payeeId: PAYEE, settlementAssetId: BTC, quoteAssetId: 'usd',
        quoteAmount: '10', orderId });
      console.log(JSON.stringify({ orderId, ok: true, code: link.code, sends: sends[orderId] }));
    } catch (e) {
      failures++;
      console.log(JSON.stringify({ orderId, ok: false, error: String(e && e.message), sends: sends[orderId] }));
    }
  }
  console.log(JSON.stringify({ summary: true, failures }));
  return failures;
}

main().then((failures) => process.exit(failures === 0 ? 0 : 1), (e) => {
  console.error(e);
  process.exit(1);
});
