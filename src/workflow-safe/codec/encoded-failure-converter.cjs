// The failure converter of an encrypting data converter: failure messages and stack traces go into
// an encoded payload (so the payload codec encrypts them) instead of plain text. Temporal loads it by
// path twice: `require` in the worker and client (plain CommonJS, so no TypeScript loader is needed
// there) and webpack in the workflow bundle (so it imports only @temporalio/common, like src/workflow-safe).
'use strict';
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
