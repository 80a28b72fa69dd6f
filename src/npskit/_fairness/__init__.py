"""Fair comparison of agents, teams and sites: case mix, funnels, hierarchies, publishing."""
