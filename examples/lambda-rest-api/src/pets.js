// A typical REST API proxy handler: routes on event.resource, reads multi-value query strings
// and headers, answers with multiValueHeaders (two Set-Cookie, a Vary list).
const pets = new Map([['1', { id: '1', name: 'Rex', tags: ['dog'] }], ['2', { id: '2', name: 'Tom', tags: ['cat'] }]]);

const json = (statusCode, body, extra = {}) => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  multiValueHeaders: { 'Set-Cookie': ['session=abc; HttpOnly', 'theme=dark'], Vary: ['Accept', 'Accept-Encoding'], ...extra },
  body: JSON.stringify(body),
});

exports.handler = async (event) => {
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'GET /pets': {
      const tags = event.multiValueQueryStringParameters?.tag ?? [];
      const list = [...pets.values()].filter((p) => tags.length === 0 || p.tags.some((t) => tags.includes(t)));
      return json(200, { pets: list, stage: event.requestContext.stage, accept: event.multiValueHeaders?.Accept ?? null });
    }
    case 'GET /pets/{petId}': {
      const pet = pets.get(event.pathParameters.petId);
      return pet ? json(200, pet) : json(404, { message: `no pet ${event.pathParameters.petId}` });
    }
    case 'POST /pets': {
      const body = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body);
      const id = String(pets.size + 1);
      pets.set(id, { id, ...body });
      return json(201, pets.get(id), { Location: [`/prod/pets/${id}`] });
    }
    default:
      return json(405, { message: 'method not allowed' });
  }
};
