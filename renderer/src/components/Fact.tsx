import type { ReactNode } from 'react';

interface Props {
  label: string;
  children: ReactNode;
  testId?: string;
}

/** One labelled value in a fact list (<dl>); renders nothing when there is no value to show. */
export function Fact({ label, children, testId }: Props) {
  if (children === undefined || children === null || children === '' || children === false) return null;
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}
