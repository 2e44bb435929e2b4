import {
  Field,
  GraphQLISODateTime,
  InputType,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';

import { REDACTION_RULES, type RedactionRule } from '../redaction-rules';
import type { RedactionPolicy } from '../redaction.service';

/** The GraphQL enum: each rule's name is its value. */
export const RedactionRuleEnum = Object.fromEntries(REDACTION_RULES.map((r) => [r, r])) as {
  [R in RedactionRule]: R;
};
registerEnumType(RedactionRuleEnum, {
  name: 'RedactionRule',
  description:
    'What PII redaction replaces before logs are stored: EMAIL → <EMAIL>, CREDIT_CARD (Luhn-checked) → <CREDIT_CARD>, IBAN (mod-97) → <IBAN>, BEARER_TOKEN and API_KEY → <TOKEN>, JWT → <JWT>, PASSWORD (password=, secret=, token= values) → <PASSWORD>, IP → <IP>',
});

@ObjectType('RedactionPolicy', { description: 'Which PII the tenant’s logs are redacted of' })
export class RedactionPolicyObject {
  @Field(() => [RedactionRuleEnum])
  rules!: RedactionRule[];

  @Field({ description: 'True until the tenant sets a policy: every rule but IP' })
  isDefault!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  updatedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who set it last (kind:label)' })
  updatedBy!: string | null;

  static from(policy: RedactionPolicy): RedactionPolicyObject {
    return Object.assign(new RedactionPolicyObject(), policy);
  }
}

@InputType('RedactionPolicyInput')
export class RedactionPolicyInput {
  @Field(() => [RedactionRuleEnum], { description: 'The rules to turn on; the others go off' })
  rules!: RedactionRule[];
}
