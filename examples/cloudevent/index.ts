// A CloudEvent handler: com.example.order.created events get a reply event
// (type com.example.order.accepted, from fn.yaml); pings are acknowledged with 202 and no reply.
import { HttpError, type Handler } from 'fnkit';

interface Order {
  id: string;
  items: number;
}

const handler: Handler<Order> = (req, ctx) => {
  const event = ctx.cloudEvent;
  if (!event || Array.isArray(event)) throw new HttpError(400, 'send one CloudEvent (binary or structured mode)');
  if (event.type === 'com.example.ping') return undefined;
  if (event.type !== 'com.example.order.created') throw new HttpError(422, `unexpected event type "${event.type}"`);
  const order = req.body;
  if (typeof order?.id !== 'string') throw new HttpError(422, 'the order needs a string "id"');
  ctx.log.info({ eventId: event.id, order: order.id }, 'order accepted');
  return { orderId: order.id, items: order.items ?? 0, acceptedFrom: event.source };
};

export default handler;
