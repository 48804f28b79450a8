import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { succeededRecords, toSqsRecord } from './sqs-event-source';

const records: SQSRecord[] = ['a', 'b', 'c'].map((id) => toSqsRecord({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: id }, 'arn:q'));
const ids = (list: SQSRecord[]) => list.map((record) => record.messageId);

describe("Lambda's partial batch rules", () => {
  it('deletes everything after a clean run', () => {
    expect(ids(succeededRecords(records, { response: { batchItemFailures: [] } }))).toEqual(['a', 'b', 'c']);
    expect(ids(succeededRecords(records, { response: undefined }))).toEqual(['a', 'b', 'c']);
  });

  it('keeps the reported failures', () => {
    expect(ids(succeededRecords(records, { response: { batchItemFailures: [{ itemIdentifier: 'b' }] } }))).toEqual(['a', 'c']);
  });

  it('fails the whole batch when the function throws', () => {
    expect(succeededRecords(records, { error: new Error('crash') })).toEqual([]);
  });

  it('fails the whole batch when a failure names an unknown or empty id', () => {
    expect(succeededRecords(records, { response: { batchItemFailures: [{ itemIdentifier: 'zzz' }] } })).toEqual([]);
    expect(succeededRecords(records, { response: { batchItemFailures: [{ itemIdentifier: '' }] } })).toEqual([]);
  });

  it('builds records in the shape Lambda delivers', () => {
    const record = toSqsRecord(
      {
        MessageId: 'm',
        ReceiptHandle: 'rh',
        Body: '{}',
        Attributes: { ApproximateReceiveCount: '3' },
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'publish' } },
      },
      'arn:aws:sqs:us-east-1:0:q',
    );
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:0:q',
      attributes: { ApproximateReceiveCount: '3' },
      messageAttributes: { kind: { dataType: 'String', stringValue: 'publish', stringListValues: [] } },
    });
  });
});
