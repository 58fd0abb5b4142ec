// The SQS "partial batch response" pattern: process each record, report the failed ones.
exports.processBatch = async (event, context) => {
  const batchItemFailures = [];
  let total = 0;
  for (const record of event.Records) {
    try {
      const order = JSON.parse(record.body);
      if (!(order.amount > 0)) throw new Error(`order ${order.id}: amount must be positive`);
      total += order.amount;
    } catch (err) {
      console.error('record failed', record.messageId, err.message);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  console.log(`processed ${event.Records.length} records, total ${total}, from ${context.clientContext?.custom?.source ?? 'direct'}`);
  return { batchItemFailures };
};
