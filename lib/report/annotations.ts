import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Finding } from '../engine';

/** `ApiGwLambda-MissingPermission: <message>` — the rule id leads, as in cdk-nag. */
export function annotationText(f: Finding): string {
  return `${f.ruleId}: ${f.message}`;
}

/** Error → error annotation; warning → acknowledgeable warning (id = rule id); info → info. */
export function annotate(construct: IConstruct, f: Finding): void {
  const a = Annotations.of(construct);
  switch (f.severity) {
    case 'error':
      a.addError(annotationText(f));
      break;
    case 'warning':
      a.addWarningV2(f.ruleId, annotationText(f));
      break;
    default:
      a.addInfo(annotationText(f));
  }
}
