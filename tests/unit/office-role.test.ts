import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFICE_ROLE, officeCallerFromAuthorizer, parseOfficeRole } from '../../shared/api/office-role.js';
import { InvalidOfficeRoleError } from '../../shared/config/errors.js';

const withAuthorizer = (authorizer: unknown) =>
  ({
    requestContext: { http: { method: 'POST' }, ...(authorizer === undefined ? {} : { authorizer }) },
  }) as unknown as APIGatewayProxyEventV2;
const jwt = (claims: Record<string, unknown>, scopes: string[] | null = null) => withAuthorizer({ jwt: { claims, scopes } });

describe('parseOfficeRole', () => {
  it('defaults to the scope supervision/office and reads <claim>=<value>', () => {
    expect(parseOfficeRole(undefined)).toEqual(DEFAULT_OFFICE_ROLE);
    expect(parseOfficeRole('')).toEqual({ claim: 'scope', value: 'supervision/office' });
    expect(parseOfficeRole('cognito:groups=督查室')).toEqual({ claim: 'cognito:groups', value: '督查室' });
  });
  it.each(['scope', 'scope=', '=office', 'groups=a b'])('refuses %j', (text) => {
    expect(() => parseOfficeRole(text)).toThrow(InvalidOfficeRoleError);
  });
});

describe('officeCallerFromAuthorizer (AWS)', () => {
  const scope = DEFAULT_OFFICE_ROLE;
  const groups = parseOfficeRole('cognito:groups=督查室');

  it('a JWT whose scope contains the office scope is the office, named by its sub', () => {
    expect(officeCallerFromAuthorizer(jwt({ sub: 'u-1', scope: 'openid supervision/read supervision/office' }), scope)).toEqual({
      kind: 'office',
      actor: 'jwt:u-1',
    });
    expect(officeCallerFromAuthorizer(jwt({ sub: 'u-1' }, ['supervision/office']), scope)).toEqual({ kind: 'office', actor: 'jwt:u-1' });
  });

  it('a JWT without it is a reader (403), however close the value', () => {
    expect(officeCallerFromAuthorizer(jwt({ sub: 'u-2', scope: 'openid supervision/read' }), scope)).toEqual({ kind: 'reader' });
    expect(officeCallerFromAuthorizer(jwt({ sub: 'u-2', scope: 'supervision/office-viewer' }), scope)).toEqual({ kind: 'reader' });
    expect(officeCallerFromAuthorizer(jwt({ sub: 'u-2' }), scope)).toEqual({ kind: 'reader' });
  });

  it('a group claim as an array, or flattened by API Gateway to "[a b]"', () => {
    expect(officeCallerFromAuthorizer(jwt({ sub: 'u-3', 'cognito:groups': ['读者', '督查室'] }), groups)).toMatchObject({ kind: 'office' });
    expect(officeCallerFromAuthorizer(jwt({ sub: 'u-3', 'cognito:groups': '[读者 督查室]' }), groups)).toMatchObject({ kind: 'office' });
    expect(officeCallerFromAuthorizer(jwt({ sub: 'u-3', 'cognito:groups': '[读者]' }), groups)).toEqual({ kind: 'reader' });
    // The scope is not consulted for a group role.
    expect(officeCallerFromAuthorizer(jwt({ sub: 'u-3' }, ['督查室']), groups)).toEqual({ kind: 'reader' });
  });

  it('IAM authorization (no issuer): the route policy decided; no authorizer context: nobody', () => {
    expect(officeCallerFromAuthorizer(withAuthorizer({ iam: { userArn: 'arn:aws-cn:iam::123456789012:role/office' } }), scope)).toEqual({
      kind: 'office',
      actor: 'iam:arn:aws-cn:iam::123456789012:role/office',
    });
    expect(officeCallerFromAuthorizer(withAuthorizer(undefined), scope)).toEqual({ kind: 'anonymous' });
  });
});
