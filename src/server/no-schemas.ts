import type { FastifyServerOptions } from 'fastify';

const refuse = (): never => {
  throw new Error('routes of the agent have no JSON schemas: inputs are checked by hand and replies built by hand');
};

/**
 * Fastify's `schemaController` option for apps whose routes have no schemas. Without it Fastify
 * loads its default compilers (Ajv with its formats, and the serializer compiler) when the app is
 * built, which is a good share of the daemon's start time and memory for code that never runs.
 */
export const NO_SCHEMAS: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: {
    buildValidator: () => refuse,
    buildSerializer: () => refuse,
  },
};
