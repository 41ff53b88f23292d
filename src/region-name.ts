/**
 * An AWS region name as the CLI takes it (eu-west-1, us-gov-west-1, cn-north-1, us-isob-east-1,
 * eusc-de-east-1): the region check both `eks-token`'s route and `kubeconfig` make.
 */
export const REGION_RE = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;
