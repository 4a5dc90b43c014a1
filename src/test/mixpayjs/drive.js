// Calls every method of MixPay's official client (mixpayjs) against a gateway, one JSON line per call,
// then a summary line. Usage: node drive.js <gateway origin> <simulator controls origin>
// MixPayJsClientTest runs it; by hand: `./mvnw quarkus:dev`, then node drive.js http://localhost:8080 http://127.0.0.1:8089
'use strict';

const MixPay = require('mixpayjs');

const [gateway, controls] = process.argv.slice(2);
if (!gateway || !controls) {
  console.error('usage: node drive.js <gateway origin> <simulator controls origin>');
  process.exit(2);
}

const client = MixPay();
// The documented way to send the client somewhere other than api.mixpay.me.
client.request.defaults.baseURL = `${gateway}/v1`;
// Loopback only: an HTTP(S)_PROXY in the environment must not carry the calls elsewhere.
client.request.defaults.proxy = false;

const BTC = 'c6d0c728-2624-429b-8e0d-d9d19b6592fa';
const ETH = '43d61dcd-e413-450d-80b8-101d5e903357';
const run = Date.now().toString(36);
let failures = 0;

function summary(value) {
  // Asset lists are long; their size and first element say enough.
  return Array.isArray(value) ? { count: value.length, first: value[0] } : value;
}

async function call(method, ...args) {
  try {
    const result = await client[method](...args);
    console.log(JSON.stringify({ method, ok: true, result: summary(result) }));
    return result;
  } catch (e) {
    failures++;
    const reply = e && e.response ? e.response.data : undefined;
    console.log(JSON.stringify({ method, ok: false, error: String(e && e.message), reply }));
    return undefined;
  }
}

async function main() {
  const { payeeId } = (await call('readPayeeId', '40053095')) || {};
  await call('readQuoteAssets', payeeId);
  await call('readPaymentAssets', payeeId, 'usd', '10');
  await call('readSettlementAssets', payeeId, 'usd', '10');
  await call('getPaymentEstimated', ETH, BTC, 'usd', '10');

  const order = { payeeId, paymentAssetId: ETH, settlementAssetId: BTC, quoteAssetId: 'usd', quoteAmount: '10',
    remark: 'mixpayjs through the gateway', note: '' };
  const mixin = await call('createMixinPayment', { ...order, orderId: `js_${run}_mixin` });
  await call('createChainPayment', { ...order, orderId: `js_${run}_chain` });
  const link = await call('createOneTimePaymentLink', { payeeId, settlementAssetId: BTC, quoteAssetId: 'usd',
    quoteAmount: '10', orderId: `js_${run}_link` });

  if (mixin) {
    await call('getPaymentInfo', mixin.traceId, mixin.clientId);
    // The payer pays (the simulator's control, not part of MixPay's API), then the merchant checks.
    const paid = await fetch(`${controls}/_simulator/payments/${mixin.traceId}/pay`, { method: 'POST' });
    console.log(JSON.stringify({ control: 'pay', status: paid.status }));
    await call('getPaymentResult', mixin.traceId);
  }
  if (link) {
    await call('getPaymentResult', undefined, `js_${run}_link`, payeeId);
  }
  console.log(JSON.stringify({ summary: true, failures }));
}

main().then(() => process.exit(failures === 0 ? 0 : 1), (e) => {
  console.error(e);
  process.exit(1);
});
