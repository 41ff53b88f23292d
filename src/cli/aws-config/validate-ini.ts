// The reader lives in src/ini/ (the agent reads the AWS config with it too); the CLI's modules import it from here.
export * from '../../ini/validate-ini.js';
