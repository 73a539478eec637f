import type { TestProject } from 'vitest/node';
import { startAttioStandin } from '../standins/attio/server';
import { TEST_PUBLIC_URL } from './constants';

declare module 'vitest' {
  export interface ProvidedContext {
    attioStandinUrl: string;
  }
}

/** Starts the Attio stand-in on a free loopback port for the Workers-runtime tests. */
export default async function setup(project: TestProject) {
  const standin = await startAttioStandin({ port: 0, redirectUris: [`${TEST_PUBLIC_URL}/callback`] });
  project.provide('attioStandinUrl', standin.url);
  return () => standin.close();
}
