"""regwatch: kratom regulatory status monitor."""
