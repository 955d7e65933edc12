import { defineScenario, SUBNET, toHost } from '../src/scenario'

/** "Python hosts" (recommended-network-outbound include) with D10 for pythonhosted.org. */
export const pythonPackages = defineScenario({
  id: 'python-packages',
  title: 'Public Python packages on compute clusters',
  profile: {
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'westus2',
        storageAccounts: ['contosomlsa'],
      },
    ],
    compute: ['computeCluster'],
    features: { pythonPackages: true },
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('pypi.org', 443, 'default pip index'),
    toHost('files.pythonhosted.org', 443, 'pip downloads (D10)'),
    toHost('anaconda.com', 443, 'anaconda.com'),
    toHost('repo.anaconda.com', 443, '*.anaconda.com'),
    toHost('conda.anaconda.org', 443, '*.anaconda.org'),
    toHost('pytorch.org', 443, 'pytorch.org'),
    toHost('download.pytorch.org', 443, '*.pytorch.org'),
    toHost('storage.tensorflow.org', 443, '*.tensorflow.org'),
  ],
  mustDeny: [
    toHost('pythonhosted.org', 443, 'apex of *.pythonhosted.org'),
    toHost('anaconda.org', 443, 'apex of *.anaconda.org (only anaconda.com is listed bare)'),
    toHost('tensorflow.org', 443, 'apex of *.tensorflow.org'),
    toHost('evilpytorch.org', 443, 'the no-dot *pytorch.org of 2022 would allow this'),
    toHost('pypi.org', 80, 'plain HTTP'),
    toHost('cloud.r-project.org', 443, 'R packages are not enabled'),
  ],
})
