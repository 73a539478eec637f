import {
  acceptedContent,
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  type InputRequest,
  type InputRequiredResult,
  inputRequired,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { text } from '../fixtures/results';
import { type FlowState, mintState, verifiedState } from './request-state';

type ToolAnswer = CallToolResult | InputRequiredResult;
type InputResponses = ServerContext['mcpReq']['inputResponses'];

/** What a multi-round tool's handler gets: the verified state, this round's answers, a sealer. */
interface Round {
  state: FlowState | undefined;
  responses: InputResponses;
  /** Seals the state for the next round, bound to this tool. */
  seal(next: Omit<FlowState, 'tool'>): Promise<string>;
}

/**
 * Tools that ask the client first, the 2026-07-28 way (input-required-result-* scenarios): the
 * first call ends with an `InputRequiredResult`, and the client calls again with the answers in
 * `inputResponses` (and the `requestState` echoed). An answer that is missing or malformed is
 * asked for again rather than failing the call.
 */
export function registerInputRequiredTools(server: McpServer): void {
  const tool = (name: string, description: string, handler: (ctx: ServerContext) => Promise<ToolAnswer>) =>
    server.registerTool(name, { description }, handler);
  /** A tool whose rounds carry sealed state, which only this tool may continue. */
  const statefulTool = (name: string, description: string, handler: (round: Round) => Promise<ToolAnswer>) =>
    // Async, so a state minted by another tool (verifiedState throws) fails the call as before.
    tool(name, description, async (ctx) =>
      handler({
        state: verifiedState(name, ctx),
        responses: ctx.mcpReq.inputResponses,
        seal: (next) => mintState({ tool: name, ...next }, ctx),
      }),
    );

  tool('test_input_required_result_elicitation', 'Asks for a name, then greets (basic-elicitation).', async (ctx) => {
    const name = acceptedContent(ctx.mcpReq.inputResponses, 'user_name')?.name;
    if (typeof name !== 'string') return inputRequired({ inputRequests: { user_name: askName('What is your name?') } });
    return text(`Hello, ${name}!`);
  });

  tool('test_input_required_result_sampling', 'Asks the client’s model a question (basic-sampling).', async (ctx) => {
    const reply = sampledText(ctx.mcpReq.inputResponses?.capital_question);
    if (reply === undefined) {
      return inputRequired({
        inputRequests: { capital_question: askModel('What is the capital of France?', 100) },
      });
    }
    return text(`The model answered: ${reply}`);
  });

  tool('test_input_required_result_list_roots', 'Asks for the client’s roots (basic-list-roots).', async (ctx) => {
    const roots = rootUris(ctx.mcpReq.inputResponses?.client_roots);
    if (roots === undefined) return inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
    return text(`The client's roots: ${roots.join(', ') || 'none'}`);
  });

  // The same flow twice: `request-state` echoes the state back intact, `tampered-state` alters it.
  for (const name of ['test_input_required_result_request_state', 'test_input_required_result_tampered_state']) {
    statefulTool(
      name,
      'Asks for a confirmation and keeps sealed state between the rounds.',
      async ({ state, responses, seal }) => {
        const ok = acceptedContent(responses, 'confirm')?.ok;
        if (state === undefined || typeof ok !== 'boolean') {
          return inputRequired({
            inputRequests: {
              confirm: inputRequired.elicit({
                message: 'Please confirm',
                requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
              }),
            },
            requestState: await seal({ round: 1 }),
          });
        }
        return text(`state-ok: round ${state.round} verified, confirmed: ${ok}`);
      },
    );
  }

  statefulTool(
    'test_input_required_result_multiple_inputs',
    'Asks for a form, a model reply and the roots at once (multiple-input-requests).',
    async ({ state, responses, seal }) => {
      const userName = acceptedContent(responses, 'user_name')?.name;
      const greeting = sampledText(responses?.greeting);
      const roots = rootUris(responses?.client_roots);
      if (state === undefined || typeof userName !== 'string' || greeting === undefined || roots === undefined) {
        return inputRequired({
          inputRequests: {
            user_name: askName('What is your name?'),
            greeting: askModel('Generate a greeting', 50),
            client_roots: inputRequired.listRoots(),
          },
          requestState: await seal({ round: 1 }),
        });
      }
      return text(`${greeting} ${userName} (roots: ${roots.join(', ') || 'none'})`);
    },
  );

  statefulTool(
    'test_input_required_result_multi_round',
    'Asks two questions in two rounds, carrying the first answer in sealed state (multi-round).',
    async ({ state, responses, seal }) => {
      if (state?.round === 2 && state.name !== undefined) {
        const color = acceptedContent(responses, 'step2')?.color;
        if (typeof color === 'string') return text(`${state.name}'s favourite colour is ${color}.`);
      }
      const userName = state?.round === 1 ? acceptedContent(responses, 'step1')?.name : state?.name;
      if (typeof userName === 'string') {
        return inputRequired({
          inputRequests: {
            step2: inputRequired.elicit({
              message: 'Step 2: What is your favorite color?',
              requestedSchema: { type: 'object', properties: { color: { type: 'string' } }, required: ['color'] },
            }),
          },
          requestState: await seal({ round: 2, name: userName }),
        });
      }
      return inputRequired({
        inputRequests: { step1: askName('Step 1: What is your name?') },
        requestState: await seal({ round: 1 }),
      });
    },
  );

  tool(
    'test_input_required_result_capabilities',
    'Asks only what the request’s declared client capabilities allow (capability-check).',
    async (ctx) => {
      const responses = ctx.mcpReq.inputResponses ?? {};
      if (Object.keys(responses).length > 0) return text(`Answered: ${Object.keys(responses).join(', ')}`);
      const declared = declaredCapabilities(ctx);
      const inputRequests: Record<string, InputRequest> = {};
      if (declared.elicitation) inputRequests.user_name = askName('What is your name?');
      if (declared.sampling) inputRequests.greeting = askModel('Generate a greeting', 50);
      if (declared.roots) inputRequests.client_roots = inputRequired.listRoots();
      if (Object.keys(inputRequests).length === 0) return text('This client declared nothing that can be asked.');
      return inputRequired({ inputRequests });
    },
  );
}

function askName(message: string): InputRequest {
  return inputRequired.elicit({
    message,
    requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  });
}

function askModel(question: string, maxTokens: number): InputRequest {
  return inputRequired.createMessage({
    messages: [{ role: 'user', content: { type: 'text', text: question } }],
    maxTokens,
  });
}

const SampledText = z.object({ content: z.object({ type: z.literal('text'), text: z.string() }) });
const Roots = z.object({ roots: z.array(z.object({ uri: z.string() })) });

/** The text of a `sampling/createMessage` answer, or `undefined` when there is none. */
function sampledText(response: unknown): string | undefined {
  const parsed = SampledText.safeParse(response);
  return parsed.success ? parsed.data.content.text : undefined;
}

/** The URIs of a `roots/list` answer, or `undefined` when there is none. */
function rootUris(response: unknown): string[] | undefined {
  const parsed = Roots.safeParse(response);
  return parsed.success ? parsed.data.roots.map((root) => root.uri) : undefined;
}

const DeclaredCapabilities = z
  .object({ elicitation: z.unknown(), sampling: z.unknown(), roots: z.unknown() })
  .partial()
  .catch({});

/** The client capabilities this request declares in its `_meta` envelope (there is no session). */
function declaredCapabilities(ctx: ServerContext) {
  const envelope: Record<string, unknown> = { ...ctx.mcpReq.envelope };
  return DeclaredCapabilities.parse(envelope[CLIENT_CAPABILITIES_META_KEY]);
}
