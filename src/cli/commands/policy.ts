import { Command } from 'commander';
import type { CliContext } from '../context';
import { policyApplyCommand } from './policy-apply';
import { policyExportCommand } from './policy-export';
import { policyPlanCommand } from './policy-plan';
import { policySchemaCommand } from './policy-schema';
import { policyValidateCommand } from './policy-validate';

/** `scoutr policy ...`: permissions as a file, validated, planned and applied like infrastructure code. */
export function policyCommand(cx: CliContext): Command {
  return new Command('policy')
    .description('policy files: validate, plan, apply, export, schema')
    .addCommand(policyValidateCommand(cx))
    .addCommand(policyPlanCommand(cx))
    .addCommand(policyApplyCommand(cx))
    .addCommand(policyExportCommand(cx))
    .addCommand(policySchemaCommand(cx));
}
