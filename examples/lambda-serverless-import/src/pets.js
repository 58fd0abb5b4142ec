// Plain AWS Lambda handlers (CommonJS, API Gateway proxy results). Nothing here knows fnkit.
const PETS = {
  1: { id: '1', name: 'Rex', kind: 'dog' },
  2: { id: '2', name: 'Tom', kind: 'cat' },
};

exports.get = async (event) => {
  const pet = PETS[event.pathParameters && event.pathParameters.petId];
  if (!pet) return { statusCode: 404, body: JSON.stringify({ message: 'no such pet' }) };
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: { 'set-cookie': ['seen=1', 'pet=' + pet.id] },
    body: JSON.stringify({ ...pet, greeting: `${process.env.GREETING}, ${pet.name}!`, table: process.env.TABLE_NAME, resource: event.resource }),
  };
};

exports.list = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ pets: Object.values(PETS), routeKey: event.routeKey }),
});
