import { describe, expect, it } from 'vitest';
import { API_PATH, ApiConfigError, apiEndpoint, apiUrlProblem } from '../../src/api/address.ts';

describe('the API address rule (configuration, client and doctor alike)', () => {
  it.each([
    ['https://www.vegvesen.no', `https://www.vegvesen.no${API_PATH}`],
    ['https://synt.utv.vegvesen.no/', `https://synt.utv.vegvesen.no${API_PATH}`],
    ['https://proxy.example/prefix//', `https://proxy.example/prefix${API_PATH}`],
    ['http://127.0.0.1:9', `http://127.0.0.1:9${API_PATH}`],
    ['http://[::1]:8080', `http://[::1]:8080${API_PATH}`],
  ])('sends to %s at %s', (address, endpoint) => {
    expect(apiUrlProblem(address)).toBeUndefined();
    expect(apiEndpoint(address)).toBe(endpoint);
  });

  it.each([
    ['http://www.vegvesen.no', /must use https/],
    ['http://10.0.0.1:8080', /must use https/],
    ['ftp://127.0.0.1', /must use https/],
    ['not a url', /absolute URL/],
    ['https://www.vegvesen.no/?env=test', /query or fragment/],
    ['https://www.vegvesen.no/#x', /query or fragment/],
  ])('refuses %s', (address, why) => {
    expect(apiUrlProblem(address)).toMatch(why);
    expect(() => apiEndpoint(address)).toThrow(ApiConfigError);
  });
});
