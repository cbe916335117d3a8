/**
 * A stand-in for HttpClient in unit tests: records each request and answers from a script, so client
 * logic (paths, query, body, error mapping, pagination) is tested without sockets.
 */
import type { HttpClient, HttpRequest, HttpResponse, HttpStreamResponse } from '../../src/http/httpClient';
import type { RateLimitInfo } from '../../src/http/errors';

export type StubAnswer = { readonly body: unknown; readonly rateLimit?: RateLimitInfo; readonly status?: number } | { readonly error: Error };

export interface StubHttp {
  readonly client: HttpClient;
  readonly requests: Omit<HttpRequest, 'expect'>[];
}

/** Answers are used in order; the last one repeats when the script runs out. */
export function stubHttp(answers: readonly StubAnswer[] | ((request: Omit<HttpRequest, 'expect'>, index: number) => StubAnswer)): StubHttp {
  const requests: Omit<HttpRequest, 'expect'>[] = [];
  const next = (request: Omit<HttpRequest, 'expect'>): StubAnswer => {
    const index = requests.length - 1;
    if (typeof answers === 'function') return answers(request, index);
    const answer = answers[Math.min(index, answers.length - 1)];
    if (!answer) throw new Error('stubHttp: no answers scripted');
    return answer;
  };
  const json = async (request: Omit<HttpRequest, 'expect'>): Promise<HttpResponse<unknown>> => {
    requests.push(request);
    const answer = next(request);
    if ('error' in answer) throw answer.error;
    return {
      status: answer.status ?? 200,
      headers: {},
      body: answer.body,
      url: String(request.url),
      bytes: 0,
      ...(answer.rateLimit ? { rateLimit: answer.rateLimit } : {}),
    };
  };
  /** The same answers as a stream: the body's JSON text in one piece (a string body is sent as it is). */
  const stream = async (request: HttpRequest): Promise<HttpStreamResponse> => {
    const response = await json(request);
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    async function* pieces(): AsyncGenerator<string> {
      yield text;
    }
    const { bytes: _bytes, body: _body, ...rest } = response;
    return { ...rest, body: pieces(), bytesRead: () => Buffer.byteLength(text) };
  };
  return { client: { json, stream } as unknown as HttpClient, requests };
}
