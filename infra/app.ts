import { createApp } from './create-app.js';

// The entry of `cdk synth` / `cdk deploy` (cdk.json: `npx tsx infra/app.ts`).
createApp().app.synth();
