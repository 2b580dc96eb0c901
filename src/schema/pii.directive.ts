import { DirectiveLocation, GraphQLDirective, GraphQLEnumType, GraphQLNonNull } from 'graphql';
import { Directive } from 'type-graphql';
import { PII_CATEGORIES, PII_DIRECTIVE, type PiiCategory } from '../policies/catalog.js';

export { PII_DIRECTIVE };

export const PiiCategoryEnum = new GraphQLEnumType({
  name: 'PiiCategory',
  values: Object.fromEntries(PII_CATEGORIES.map((c) => [c, { value: c }])),
});

export const piiDirective = new GraphQLDirective({
  name: PII_DIRECTIVE,
  description: 'Personal information: every read is decided PLAIN, MASKED or DENIED by the policy.',
  locations: [DirectiveLocation.FIELD_DEFINITION],
  args: { category: { type: new GraphQLNonNull(PiiCategoryEnum) } },
});

/** Marks a field as personal information; the field guard then decides every read of it. */
export function Pii(category: PiiCategory): MethodDecorator & PropertyDecorator {
  return Directive(`@${PII_DIRECTIVE}(category: ${category})`);
}
