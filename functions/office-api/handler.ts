import { lambdaFunction } from '../../shared/adapters/aws/lambda-function.js';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { officeCallerFromAuthorizer, parseOfficeRole } from '../../shared/api/office-role.js';
import { planAmender } from '../../shared/plan/amender.js';
import { systemClock } from '../../shared/time/clocks.js';
import { createOfficeApiHandler } from './app.js';

const { env, tracing, logger, wrap } = await lambdaFunction('office-api');
const doc = tracing.capture(documentClient());
// The HTTP API's authorizer has checked the token; the office role is a claim of it, checked here.
const role = parseOfficeRole(env.OFFICE_CLAIM);
const amendments = new DynamoAmendmentStore(doc, env.TABLE_NAME);

const app = createOfficeApiHandler({
  reader: new DynamoStateStore(doc, env.TABLE_NAME),
  reviews: new DynamoReviewStore(doc, env.TABLE_NAME),
  amendments,
  // The office acts on the plan as it stands now: no cache.
  amender: planAmender(amendments, { ttlMs: 0 }),
  // No bus: a decision's or an amendment's row is its event (the table's stream → relay-outbox).
  clock: systemClock,
  logger,
  authorize: (event) => officeCallerFromAuthorizer(event, role),
});

export const handler = wrap(app);
