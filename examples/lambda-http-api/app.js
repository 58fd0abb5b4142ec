// HTTP API 2.0: cookies arrive in event.cookies and leave in the `cookies` response field;
// a plain object without statusCode is answered as JSON (2.0 inference).
const prices = await Promise.resolve({ apple: 1.2, pear: 0.8 }); // top-level await: init phase

const parse = (cookies = []) => Object.fromEntries(cookies.map((c) => c.split('=')));

export const handler = async (event) => {
  const jar = parse(event.cookies);
  const items = jar.cart ? jar.cart.split('|').filter(Boolean) : [];
  if (event.routeKey === 'POST /cart/items') {
    const { item } = JSON.parse(event.body);
    if (!(item in prices)) return { statusCode: 400, body: JSON.stringify({ message: `unknown item ${item}` }) };
    items.push(item);
    return {
      statusCode: 201,
      cookies: [`cart=${items.join('|')}; Path=/; HttpOnly`, `last=${item}; Path=/`],
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    };
  }
  return { items, total: items.reduce((t, i) => t + prices[i], 0), user: event.headers['x-user'] ?? null };
};
